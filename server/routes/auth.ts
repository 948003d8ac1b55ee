import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { ErrorBody, SignIn, TokenRequest, TooManyAttempts } from '../../shared/schemas/api.ts'
import { Agent } from '../../shared/schemas/entities.ts'
import type { AppContext } from '../app-context.ts'
import { requestToken } from '../http/auth-middleware.ts'
import { clientKey } from '../http/client-address.ts'
import { clearSessionCookie, setSessionCookie } from '../http/session-cookie.ts'
import { access } from '../http/access.ts'
import type { HttpEnv } from '../http/env.ts'
import { errors, json, jsonBody } from './schemas.ts'

const tooManyAttempts = json(TooManyAttempts, 'Too many failed attempts from this address or for this email; Retry-After says when to try again')
const hashingBusy = json(ErrorBody, 'Too many password checks under way; Retry-After says when to try again')

const signIn = createRoute({
  method: 'post',
  path: '/api/auth/sign-in',
  ...access('public'),
  tags: ['auth'],
  summary: 'Sign in with email and password; sets the session cookie',
  request: { body: jsonBody(SignIn) },
  responses: { 200: json(z.object({ agent: Agent }), 'Signed in'), 400: errors[400], 401: errors[401], 429: tooManyAttempts, 503: hashingBusy },
})

const signOut = createRoute({
  method: 'post',
  path: '/api/auth/sign-out',
  ...access('public'),
  tags: ['auth'],
  summary: 'Ends the session',
  responses: { 200: json(z.object({ ok: z.literal(true) }), 'Signed out') },
})

const createToken = createRoute({
  method: 'post',
  path: '/api/auth/tokens',
  ...access('public'),
  tags: ['auth'],
  summary: 'A bearer token for scripts (Authorization: Bearer <token>)',
  request: { body: jsonBody(TokenRequest) },
  responses: { 201: json(z.object({ token: z.string() }), 'Token created'), 400: errors[400], 401: errors[401], 429: tooManyAttempts, 503: hashingBusy },
})

export function authRoutes(app: OpenAPIHono<HttpEnv>, ctx: AppContext): void {
  app.openapi(signIn, async (c) => {
    const { email, password } = c.req.valid('json')
    const agent = await ctx.credentialLimits.attempt({ address: clientKey(c), subject: email }, () => ctx.auth.verifyCredentials(email, password))
    if (!agent) return c.json({ error: 'wrong email or password' }, 401)
    const token = await ctx.auth.issue(agent, 'session')
    setSessionCookie(c, token, Math.floor(ctx.config.sessionMs / 1000))
    const { passwordHash: _omit, ...publicAgent } = agent
    return c.json({ agent: publicAgent }, 200)
  })

  app.openapi(signOut, async (c) => {
    const token = requestToken(c)
    if (token) await ctx.auth.revoke(token)
    clearSessionCookie(c)
    return c.json({ ok: true as const }, 200)
  })

  app.openapi(createToken, async (c) => {
    const { email, password, label } = c.req.valid('json')
    const agent = await ctx.credentialLimits.attempt({ address: clientKey(c), subject: email }, () => ctx.auth.verifyCredentials(email, password))
    if (!agent) return c.json({ error: 'wrong email or password' }, 401)
    return c.json({ token: await ctx.auth.issue(agent, 'api', label ?? null) }, 201)
  })
}
