import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import { ErrorBody } from '../../shared/schemas/api.ts'
import { AgentResult, ApiTokenList, Ok, PasswordChange, ProfilePatch } from '../../shared/schemas/admin.ts'
import type { AppContext } from '../app-context.ts'
import { access } from '../http/access.ts'
import type { HttpEnv } from '../http/env.ts'
import { clearSessionCookie } from '../http/session-cookie.ts'
import { IdParam, errors, json, jsonBody } from './schemas.ts'

const rename = createRoute({
  method: 'patch',
  path: '/api/profile',
  ...access('agent'),
  tags: ['profile'],
  summary: 'Change your name',
  request: { body: jsonBody(ProfilePatch) },
  responses: { 200: json(AgentResult, 'You, after the change'), 400: errors[400], 401: errors[401] },
})

const password = createRoute({
  method: 'post',
  path: '/api/profile/password',
  ...access('agent'),
  tags: ['profile'],
  summary: 'Change your password: every other session and every API token of yours ends; this session goes on',
  request: { body: jsonBody(PasswordChange) },
  responses: { 200: json(Ok, 'Changed'), 400: errors[400], 401: errors[401], 403: json(ErrorBody, 'The current password is not right') },
})

const everywhere = createRoute({
  method: 'post',
  path: '/api/auth/sign-out-everywhere',
  ...access('agent'),
  tags: ['auth'],
  summary: 'End every session and API token of yours, this one included',
  responses: { 200: json(Ok, 'Signed out everywhere'), 401: errors[401] },
})

const tokens = createRoute({
  method: 'get',
  path: '/api/profile/tokens',
  ...access('agent'),
  tags: ['profile'],
  summary: 'Your API tokens (labels, creation, last use — recorded at most once a minute — and expiry)',
  responses: { 200: json(ApiTokenList, 'Your tokens'), 401: errors[401] },
})

const revokeToken = createRoute({
  method: 'delete',
  path: '/api/profile/tokens/{id}',
  ...access('agent'),
  tags: ['profile'],
  summary: 'Revoke one of your API tokens: it stops at once',
  request: { params: IdParam },
  responses: { 200: json(Ok, 'Revoked'), 400: errors[400], 401: errors[401], 404: errors[404] },
})

export function profileRoutes(app: OpenAPIHono<HttpEnv>, ctx: AppContext): void {
  app.openapi(rename, async (c) => c.json({ agent: await ctx.profile.rename(c.get('agent'), c.req.valid('json').name) }, 200))

  app.openapi(password, async (c) => {
    const { currentPassword, newPassword } = c.req.valid('json')
    await ctx.profile.changePassword(c.get('agent'), c.get('token'), currentPassword, newPassword)
    return c.json({ ok: true as const }, 200)
  })

  app.openapi(everywhere, async (c) => {
    await ctx.profile.signOutEverywhere(c.get('agent'))
    clearSessionCookie(c)
    return c.json({ ok: true as const }, 200)
  })

  app.openapi(tokens, async (c) => c.json({ tokens: await ctx.profile.tokens(c.get('agent')) }, 200))

  app.openapi(revokeToken, async (c) => {
    await ctx.profile.revokeToken(c.get('agent'), c.req.valid('param').id)
    return c.json({ ok: true as const }, 200)
  })
}
