import type { Context, MiddlewareHandler } from 'hono'
import type { AuthService } from '../services/auth.ts'
import type { HttpEnv } from './env.ts'
import { SESSION_COOKIES } from './session-cookie.ts'

export { SESSION_COOKIE } from './session-cookie.ts'

/** The token of an `Authorization: Bearer <token>` header (other schemes are not ours). */
export const bearerToken = (authorization: string | undefined): string | undefined =>
  authorization?.match(/^Bearer\s+(\S+)$/i)?.[1]

/** The app's cookie, or `Authorization: Bearer <token>` for scripts. */
export function tokenOf(headers: { cookie?: string | undefined; authorization?: string | undefined }): string | undefined {
  const bearer = bearerToken(headers.authorization)
  if (bearer) return bearer
  const parts = headers.cookie?.split(';').map((part) => part.trim()) ?? []
  for (const name of SESSION_COOKIES) {
    const cookie = parts.find((part) => part.startsWith(`${name}=`))
    if (!cookie) continue
    try {
      return decodeURIComponent(cookie.slice(name.length + 1))
    } catch {
      // A garbled cookie is no credential: the caller answers 401, not 500.
      return undefined
    }
  }
  return undefined
}

export const requestToken = (c: Context): string | undefined =>
  tokenOf({ authorization: c.req.header('authorization'), cookie: c.req.header('cookie') })

export function requireAgent(auth: AuthService): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    const token = requestToken(c)
    const agent = await auth.authenticate(token)
    if (!agent || !token) return c.json({ error: 'sign in required' }, 401)
    c.set('agent', agent)
    c.set('token', token)
    await next()
  }
}
