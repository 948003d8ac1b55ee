import type { MiddlewareHandler } from 'hono'
import { isHttps } from './client-address.ts'

const policy = (directives: string[]): string => directives.join('; ')

/**
 * The agent app: its own scripts only (no inline script, no eval: a message body that slipped past
 * the sanitiser still could not run), never framed (clickjacking of Resolve or Send). Inline styles
 * stay allowed: Vue binds some, and a style cannot run code. `connect-src 'self'` covers the app's
 * same-origin WebSockets (CSP3); blob: and data: images are attachments kept on the device.
 */
export const APP_CSP = policy([
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
])

/** The widget demo page stands in for a customer's site: it loads widget.js, which styles its Shadow
 *  DOM host inline and talks to the widget API and socket of this origin. */
export const WIDGET_DEMO_CSP = policy([
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
])

/** A year; without includeSubDomains, which would bind the operator's other hosts to HTTPS too. */
const HSTS = 'max-age=31536000'

/**
 * Headers for every response. A response that brings its own Content-Security-Policy keeps it
 * (attachments are sandboxed: routes/attachments.ts). widget.js and the widget API are used from
 * other sites; these headers do not restrict that (CSP and framing rules bind documents, not a
 * script or JSON fetched cross-origin, and CORS and CORP are set by their routes).
 */
export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next()
    const headers = c.res.headers
    if (!headers.has('content-security-policy')) {
      headers.set('content-security-policy', c.req.path === '/widget-demo' ? WIDGET_DEMO_CSP : APP_CSP)
    }
    headers.set('x-content-type-options', 'nosniff')
    headers.set('referrer-policy', 'no-referrer')
    // For browsers without CSP frame-ancestors.
    headers.set('x-frame-options', 'DENY')
    if (isHttps(c)) headers.set('strict-transport-security', HSTS)
  }
}
