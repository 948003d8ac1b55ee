import type { Context } from 'hono'
import { deleteCookie, setCookie } from 'hono/cookie'
import { isHttps } from './client-address.ts'

/** The session cookie over plain HTTP (development, tests, a LAN without TLS). */
export const SESSION_COOKIE = 'inbox_session'
/** Over HTTPS: the `__Host-` prefix makes the browser refuse it unless Secure, Path=/ and without a
 *  Domain, so a sibling subdomain can neither set nor overwrite it. */
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`
/** Both are read (the secure one first): a server moved behind TLS keeps its signed-in devices. */
export const SESSION_COOKIES = [SECURE_SESSION_COOKIE, SESSION_COOKIE] as const

/** Sets the session cookie under the name that fits how the request arrived. */
export function setSessionCookie(c: Context, token: string, maxAgeSeconds: number): void {
  const secure = isHttps(c)
  setCookie(c, secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure,
    path: '/',
    maxAge: maxAgeSeconds,
  })
}

/** Clears the session cookie under either name. */
export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/' })
  if (isHttps(c)) deleteCookie(c, SECURE_SESSION_COOKIE, { path: '/', secure: true })
}
