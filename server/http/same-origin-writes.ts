import type { Context, MiddlewareHandler } from 'hono'
import { bearerToken } from './auth-middleware.ts'
import { isHttps } from './client-address.ts'

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** Public cross-origin APIs that no cookie authenticates: the website widget's (CORS, visitor token)
 *  and the API channel's (inbox token). */
const exempt = (path: string): boolean => path.startsWith('/api/widget/') || path.startsWith('/api/channels/api/')

/**
 * CSRF: a browser sends the session cookie with a request another site makes it send. So a write not
 * authenticated by a bearer token (a script's) must come from a page of this origin: its Origin names
 * this host, or, from a browser that sends no Origin, Sec-Fetch-Site says same-origin. A client that
 * sends neither (curl, a server) is no browser, and carries no one else's cookie. Sign-in is covered
 * too, so another site cannot sign a visitor into an account of its choosing.
 */
export function sameOriginWrites(trustedProxyHops: number): MiddlewareHandler {
  return async (c, next) => {
    if (!WRITES.has(c.req.method) || exempt(c.req.path) || bearerToken(c.req.header('authorization'))) return next()
    if (!fromThisOrigin(c, trustedProxyHops)) {
      return c.json({ error: 'cross-site request refused: this request did not come from a page of this server' }, 403)
    }
    return next()
  }
}

function fromThisOrigin(c: Context, trustedProxyHops: number): boolean {
  const origin = c.req.header('origin')
  if (origin === undefined) {
    const site = c.req.header('sec-fetch-site')
    return site === undefined || site === 'same-origin' || site === 'none'
  }
  let url: URL
  try {
    url = new URL(origin)
  } catch {
    // Includes "null" (sandboxed frames, some redirects): no page of ours sends it.
    return false
  }
  if (isHttps(c) && url.protocol !== 'https:') return false
  const hosts = [c.req.header('host')]
  // A proxy that rewrites Host says the original one here; believed only from trusted proxies.
  if (trustedProxyHops > 0) hosts.push(c.req.header('x-forwarded-host')?.split(',').at(-1)?.trim())
  return hosts.some((host) => host !== undefined && host.toLowerCase() === url.host)
}
