import { describe, expect, it } from 'vitest'
import { isPrivateAddress, literalAddress } from '../../../../server/webhooks/address-policy.ts'

// Webhook targets (SSRF): which addresses the server refuses to POST to unless WEBHOOK_ALLOW_PRIVATE.

describe('webhook address policy', () => {
  const refused = {
    'IPv4 unspecified': ['0.0.0.0', '0.1.2.3'],
    'IPv4 loopback': ['127.0.0.1', '127.255.255.254'],
    'IPv4 private (RFC 1918)': ['10.0.0.1', '10.255.255.255', '172.16.0.1', '172.31.255.255', '192.168.0.1', '192.168.255.255'],
    'IPv4 link-local (cloud metadata)': ['169.254.169.254', '169.254.0.1'],
    'IPv4 carrier-grade NAT': ['100.64.0.1', '100.127.255.255'],
    'IPv4 multicast': ['224.0.0.1', '239.255.255.255'],
    'IPv4 reserved and broadcast': ['240.0.0.1', '255.255.255.255'],
    'IPv6 unspecified': ['::'],
    'IPv6 loopback': ['::1', '0:0:0:0:0:0:0:1'],
    'IPv4-mapped IPv6 of private addresses': ['::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '::ffff:169.254.169.254', '::ffff:192.168.1.1'],
    'IPv4-compatible IPv6 (deprecated)': ['::127.0.0.1'],
    'IPv6 link-local': ['fe80::1', 'febf::1', 'fe80::1%eth0'],
    'IPv6 unique local': ['fc00::1', 'fd12:3456:789a::1'],
    'IPv6 multicast': ['ff02::1', 'ff0e::1'],
    'not an IP address': ['localhost', ''],
  }
  for (const [range, addresses] of Object.entries(refused)) {
    it(`refuses ${range}`, () => {
      for (const address of addresses) expect(isPrivateAddress(address), address).toBe(true)
    })
  }

  it('allows public unicast addresses, IPv4 and IPv6 (mapped too)', () => {
    for (const address of ['8.8.8.8', '1.1.1.1', '93.184.216.34', '100.63.255.255', '100.128.0.0', '172.15.255.255', '172.32.0.0', '2606:4700::1111', '2a00:1450:4001::200e', '::ffff:8.8.8.8'])
      expect(isPrivateAddress(address), address).toBe(false)
  })

  it("reads a URL's literal address as the WHATWG parser normalises it, and no address for a host name", () => {
    expect(literalAddress(new URL('http://127.0.0.1:8080/x'))).toBe('127.0.0.1')
    expect(literalAddress(new URL('http://2130706433/'))).toBe('127.0.0.1')
    expect(literalAddress(new URL('http://0x7f.1/'))).toBe('127.0.0.1')
    expect(literalAddress(new URL('http://[::ffff:127.0.0.1]/'))).toBe('::ffff:7f00:1')
    expect(literalAddress(new URL('http://[fe80::1]:9000/'))).toBe('fe80::1')
    expect(literalAddress(new URL('https://hooks.example.com/'))).toBeNull()
    expect(literalAddress(new URL('http://localhost/'))).toBeNull()
  })
})
