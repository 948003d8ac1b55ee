import { isIP } from 'node:net'
import { getConnInfo } from '@hono/node-server/conninfo'
import type { Context, MiddlewareHandler } from 'hono'
import type { HttpEnv } from './env.ts'

/** What the server knows about who sent a request, worked out once per request by clientInfo(). */
export interface ClientInfo {
  /** The client's IP address: the socket's, or with TRUST_PROXY the one our proxies vouch for. */
  address: string
  /** Served over HTTPS: the socket is TLS, or (TRUST_PROXY only) the proxy says X-Forwarded-Proto: https. */
  https: boolean
}

/**
 * Every limiter keys on the client's address. Behind a reverse proxy the socket is the proxy's, so
 * all clients would share one bucket; `trustedHops` (TRUST_PROXY) says how many proxies in front of
 * us append to X-Forwarded-For. Entries to the left of those are whatever the client sent, so they
 * are never believed: with 0 hops (the default) the header is ignored entirely.
 */
export function clientInfo(trustedHops: number): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    c.set('clientInfo', resolveClient(c, trustedHops))
    await next()
  }
}

/** The client's address (see clientInfo); the socket's address if the middleware did not run. */
export const clientAddress = (c: Context): string => infoOf(c).address

/** True when the request reached us over HTTPS (see ClientInfo.https). */
export const isHttps = (c: Context): boolean => infoOf(c).https

/** What every limiter counts a client under: clientAddress(c), with IPv6 collapsed to its /64. */
export const clientKey = (c: Context): string => addressKey(clientAddress(c))

/**
 * The address, except that an IPv6 client is counted by its /64, which one subscriber usually holds
 * whole (counting each address would give them 2^64 buckets).
 */
export function addressKey(address: string): string {
  if (isIP(address) !== 6) return address
  const groups = expandIPv6(address)
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : address
}

function infoOf(c: Context): ClientInfo {
  return (c.get('clientInfo') as ClientInfo | undefined) ?? resolveClient(c, 0)
}

function resolveClient(c: Context, trustedHops: number): ClientInfo {
  const socket = socketAddress(c)
  const tls = new URL(c.req.url).protocol === 'https:'
  if (trustedHops <= 0) return { address: socket, https: tls }
  // [client-supplied…, added by proxy 1, …, added by the last proxy] + the last proxy's socket.
  const chain = [...listHeader(c.req.header('x-forwarded-for')), socket]
  const candidate = chain[Math.max(0, chain.length - 1 - trustedHops)]!
  const address = isIP(normalise(candidate)) ? normalise(candidate) : socket
  // The nearest proxy speaks last: the right-most X-Forwarded-Proto is the one it set.
  const proto = listHeader(c.req.header('x-forwarded-proto')).at(-1)?.toLowerCase()
  return { address, https: tls || proto === 'https' }
}

function socketAddress(c: Context): string {
  try {
    return normalise(getConnInfo(c).remote.address ?? 'unknown')
  } catch {
    // Not served by @hono/node-server (app.request in a unit test): no socket to ask.
    return 'unknown'
  }
}

const listHeader = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)

/** `::ffff:10.0.0.1` is 10.0.0.1; `[::1]:443` and `10.0.0.1:1234` (some proxies add ports) lose the port. */
function normalise(address: string): string {
  let a = address
  const bracketed = a.match(/^\[([^\]]+)\](?::\d+)?$/)
  if (bracketed) a = bracketed[1]!
  else if (/^[\d.]+:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(':'))
  const mapped = a.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i)
  return (mapped ? mapped[1]! : a).toLowerCase()
}

function expandIPv6(address: string): string[] | null {
  const [head, tail] = address.split('::') as [string, string | undefined]
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  // An embedded IPv4 tail (::ffff:1.2.3.4 forms) does not matter for the /64 prefix.
  const missing = 8 - left.length - right.length
  if (tail === undefined && left.length !== 8) return null
  const groups = [...left, ...Array<string>(Math.max(0, missing)).fill('0'), ...right]
  return groups.map((g) => g.padStart(4, '0'))
}
