import type { OpenAPIHono } from '@hono/zod-openapi'
import type { MiddlewareHandler } from 'hono'
import { Access } from '../../shared/schemas/admin.ts'
import type { AuthService } from '../services/auth.ts'
import { bearerToken, requestToken } from './auth-middleware.ts'
import type { HttpEnv } from './env.ts'

/**
 * Who may call a route, declared in its createRoute() and published in the OpenAPI document as
 * `x-access`. The one middleware below reads these same declarations from the app's OpenAPI registry,
 * so what the document says and what the server enforces cannot drift apart:
 * - public: anyone; the route checks whatever it needs itself (sign-in, setup, invitation links).
 * - agent: a signed-in, active agent (cookie or bearer token).
 * - admin: a signed-in, active agent with the role admin; 403 for other agents.
 * - inbox-token: an API inbox's token (bearer); visitor: a website visitor's token (bearer).
 * Tokens are checked before the request is validated: a caller without one learns nothing about the
 * format (and the routes, which need the inbox or visitor itself, look them up again).
 */
export const access = (level: Access) => ({ 'x-access': level }) as const

interface Declared {
  method: string
  segments: string[]
  literals: number
  access: Access | null
}

const declarations = (app: OpenAPIHono<HttpEnv>): Declared[] =>
  app.openAPIRegistry.definitions.flatMap((d) => {
    if (d.type !== 'route') return []
    const segments = d.route.path.split('/')
    const parsed = Access.safeParse((d.route as Record<string, unknown>)['x-access'])
    return [{
      method: d.route.method.toUpperCase(),
      segments,
      literals: segments.filter((s) => !s.startsWith('{')).length,
      access: parsed.success ? parsed.data : null,
    }]
  })

const matches = (declared: Declared, method: string, segments: string[]): boolean =>
  declared.method === method &&
  declared.segments.length === segments.length &&
  declared.segments.every((s, i) => (s.startsWith('{') ? segments[i] !== '' : s === segments[i]))

export interface AccessChecks {
  auth: AuthService
  /** Whether the token is an API inbox's. */
  inboxToken(token: string): Promise<boolean>
  /** Whether the token is a genuine, live visitor token. */
  visitor(token: string): Promise<boolean>
}

/** The access middleware for `/api/*`; the table is read on the first request, once every route is
 *  registered. A path no route declares needs a signed-in agent (and then meets a 404). */
export function enforceAccess(app: OpenAPIHono<HttpEnv>, checks: AccessChecks): MiddlewareHandler<HttpEnv> {
  let table: Declared[] | null = null
  return async (c, next) => {
    // CORS preflights carry no credentials and reach no handler (the widget's answer them).
    if (c.req.method === 'OPTIONS') return next()
    table ??= declarations(app).sort((a, b) => b.literals - a.literals)
    const method = c.req.method === 'HEAD' ? 'GET' : c.req.method
    const segments = c.req.path.split('/')
    const declared = table.find((d) => matches(d, method, segments))
    // Fail closed: a route registered without a declaration answers nobody (and fails the role test).
    if (declared && declared.access === null) return c.json({ error: 'this route declares no access' }, 403)
    const level = declared?.access ?? 'agent'
    if (level === 'public') return next()
    if (level === 'inbox-token' || level === 'visitor') {
      // Never from the URL: tokens in URLs end up in logs and Referer headers (the widget fetches files with the header).
      const token = bearerToken(c.req.header('authorization'))
      const valid = token !== undefined && token.length <= 1000 && (level === 'visitor' ? await checks.visitor(token) : await checks.inboxToken(token))
      if (!valid) {
        // The widget's routes answer any origin, refusals included (their CORS middleware comes later).
        if (level === 'visitor') c.header('access-control-allow-origin', '*')
        return c.json({ error: level === 'visitor' ? 'a valid visitor token is required' : 'a valid API inbox token is required' }, 401)
      }
      return next()
    }
    const token = requestToken(c)
    const session = await checks.auth.session(token)
    if (!session || !token) return c.json({ error: 'sign in required' }, 401)
    if (level === 'admin' && session.agent.role !== 'admin') return c.json({ error: 'administrators only' }, 403)
    c.set('agent', session.agent)
    c.set('token', token)
    await next()
  }
}
