import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import { setCookie, deleteCookie } from 'hono/cookie'
import { z } from 'zod'
import { SignIn, TokenRequest } from '../../shared/schemas/api.ts'
import { Agent } from '../../shared/schemas/entities.ts'
import type { AppContext } from '../app-context.ts'
import { SESSION_COOKIE, requestToken } from '../http/auth-middleware.ts'
import type { HttpEnv } from '../http/env.ts'
import { errors, json, jsonBody } from './schemas.ts'

const signIn = createRoute({
  method: 'post',
  path: '/api/auth/sign-in',
  tags: ['auth'],
  summary: 'Sign in with email and password; sets the session cookie',
  request: { body: jsonBody(SignIn) },
  responses: { 200: json(z.object({ agent: Agent }), 'Signed in'), 400: errors[400], 401: errors[401] },
})

const signOut = createRoute({
  method: 'post',
  path: '/api/auth/sign-out',
  tags: ['auth'],
  summary: 'Ends the session',
  responses: { 200: json(z.object({ ok: z.literal(true) }), 'Signed out') },
})

const createToken = createRoute({
  method: 'post',
  path: '/api/auth/tokens',
  tags: ['auth'],
  summary: 'A bearer token for scripts (Authorization: Bearer <token>)',
  request: { body: jsonBody(TokenRequest) },
  responses: { 201: json(z.object({ token: z.string() }), 'Token created'), 400: errors[400], 401: errors[401] },
})

export function authRoutes(app: OpenAPIHono<HttpEnv>, ctx: AppContext): void {
  app.openapi(signIn, async (c) => {
    const { email, password } = c.req.valid('json')
    const agent = await ctx.auth.verifyCredentials(email, password)
    if (!agent) return c.json({ error: 'wrong email or password' }, 401)
    const token = await ctx.auth.issue(agent, 'session')
    const secure = new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https'
    setCookie(c, SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'Lax',
      secure,
      path: '/',
      maxAge: Math.floor(ctx.config.sessionMs / 1000),
    })
    const { passwordHash: _omit, ...publicAgent } = agent
    return c.json({ agent: publicAgent }, 200)
  })

  app.openapi(signOut, async (c) => {
    const token = requestToken(c)
    if (token) await ctx.auth.revoke(token)
    deleteCookie(c, SESSION_COOKIE, { path: '/' })
    return c.json({ ok: true as const }, 200)
  })

  app.openapi(createToken, async (c) => {
    const { email, password, label } = c.req.valid('json')
    const agent = await ctx.auth.verifyCredentials(email, password)
    if (!agent) return c.json({ error: 'wrong email or password' }, 401)
    return c.json({ token: await ctx.auth.issue(agent, 'api', label ?? null) }, 201)
  })
}
