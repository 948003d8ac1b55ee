import dns from 'node:dns'
import { BlockList, isIP, type LookupFunction } from 'node:net'

// Webhook URLs are chosen by whoever administers an account, and the server POSTs to them from
// inside its own network: without a policy a webhook could reach the database, a cloud metadata
// endpoint (169.254.169.254) or an admin port on localhost (SSRF). Targets that are not public
// unicast addresses are refused, unless WEBHOOK_ALLOW_PRIVATE=1 says the receivers are on purpose
// in a private network.

/** The one wording a refusal gets, in the API and in the delivery log: it says nothing about the port
 *  or whether anything listens there (the log must not be a port scanner). */
export const REFUSED_PRIVATE = 'refused: private address'

const blocked = new BlockList()
const ranges: [string, number, 'ipv4' | 'ipv6'][] = [
  ['0.0.0.0', 8, 'ipv4'], // "this network", 0.0.0.0 unspecified
  ['10.0.0.0', 8, 'ipv4'], // private
  ['100.64.0.0', 10, 'ipv4'], // carrier-grade NAT (shared address space)
  ['127.0.0.0', 8, 'ipv4'], // loopback
  ['169.254.0.0', 16, 'ipv4'], // link-local (cloud metadata services)
  ['172.16.0.0', 12, 'ipv4'], // private
  ['192.0.0.0', 24, 'ipv4'], // IETF protocol assignments
  ['192.0.2.0', 24, 'ipv4'], // documentation
  ['192.168.0.0', 16, 'ipv4'], // private
  ['198.18.0.0', 15, 'ipv4'], // benchmarking
  ['198.51.100.0', 24, 'ipv4'], // documentation
  ['203.0.113.0', 24, 'ipv4'], // documentation
  ['224.0.0.0', 4, 'ipv4'], // multicast
  ['240.0.0.0', 4, 'ipv4'], // reserved, and 255.255.255.255 broadcast
  ['::', 96, 'ipv6'], // unspecified (::), loopback (::1), deprecated IPv4-compatible (::127.0.0.1)
  ['64:ff9b:1::', 48, 'ipv6'], // local-use IPv4/IPv6 translation
  ['100::', 64, 'ipv6'], // discard-only
  ['2001:db8::', 32, 'ipv6'], // documentation
  ['fc00::', 7, 'ipv6'], // unique local
  ['fe80::', 10, 'ipv6'], // link-local
  ['fec0::', 10, 'ipv6'], // site-local (deprecated)
  ['ff00::', 8, 'ipv6'], // multicast
]
for (const [network, prefix, family] of ranges) blocked.addSubnet(network, prefix, family)

/**
 * Whether an IP address is private, loopback, link-local, unique-local, CGNAT, multicast, reserved or
 * unspecified. IPv4-mapped IPv6 (::ffff:127.0.0.1) is judged by its IPv4 address: BlockList checks a
 * mapped address against the IPv4 ranges. Anything that is not an IP address is refused too.
 */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '')
  const family = isIP(bare)
  if (family === 0) return true
  return blocked.check(bare, family === 6 ? 'ipv6' : 'ipv4')
}

/** The IP address a URL names literally (brackets removed), or null for a host name. The WHATWG
 *  parser has already turned odd IPv4 spellings (2130706433, 0x7f.1) into dotted quads. */
export function literalAddress(url: URL): string | null {
  const host = url.hostname.replace(/^\[|\]$/g, '')
  return isIP(host) === 0 ? null : host
}

export class PrivateAddressError extends Error {
  readonly code = 'EPRIVATEADDRESS'
  constructor() {
    super(REFUSED_PRIVATE)
  }
}

/**
 * A `lookup` for http.request that resolves the name, refuses it if ANY of its addresses is private,
 * and otherwise hands the checked addresses to the socket, which connects to one of them. The check
 * and the connection use the same answer, so a name that resolves to a public address when checked
 * and to 127.0.0.1 a moment later (DNS rebinding) cannot slip through.
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0)
    if (addresses.length === 0 || addresses.some((a) => isPrivateAddress(a.address))) return callback(new PrivateAddressError(), '', 0)
    if (options.all) return callback(null, addresses)
    const [first] = addresses
    callback(null, first!.address, first!.family)
  })
}
