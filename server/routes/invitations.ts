import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { z } from 'zod'
import { ErrorBody, TooManyAttempts } from '../../shared/schemas/api.ts'
import { AcceptInvitation, AgentResult, InvitationList, InvitationPreview, NewInvitation, NewInvitationResult, Ok } from '../../shared/schemas/admin.ts'
import type { AppContext } from '../app-context.ts'
import { access } from '../http/access.ts'
import { clientAddress, isHttps } from '../http/client-address.ts'
import type { HttpEnv } from '../http/env.ts'
import { setSessionCookie } from '../http/session-cookie.ts'
import { AdminError } from '../services/admin-errors.ts'
import { INVITATION_GONE } from '../services/invitations.ts'
import { IdParam, errors, json, jsonBody } from './schemas.ts'

const TokenParam = z.object({ token: z.string().min(1).max(200) })
const forbidden = json(ErrorBody, 'Administrators only')
const gone = json(ErrorBody, 'The invitation has expired, was used or was revoked')
const tooMany = json(TooManyAttempts, 'Too many attempts; Retry-After says when to try again')

const list = createRoute({
  method: 'get',
  path: '/api/invitations',
  ...access('admin'),
  tags: ['invitations'],
  summary: 'Pending invitations (not used, revoked or expired)',
  responses: { 200: json(InvitationList, 'The invitations, oldest first'), 401: errors[401], 403: forbidden },
})

const create = createRoute({
  method: 'post',
  path: '/api/invitations',
  ...access('admin'),
  tags: ['invitations'],
  summary: 'Invite someone by email with a role: a link that works once, for 7 days (mailed too when SMTP_URL is set)',
  request: { body: jsonBody(NewInvitation) },
  responses: {
    201: json(NewInvitationResult, 'The invitation and its link'),
    400: errors[400],
    401: errors[401],
    403: forbidden,
    409: json(ErrorBody, 'An agent with this email exists'),
  },
})

const revoke = createRoute({
  method: 'delete',
  path: '/api/invitations/{id}',
  ...access('admin'),
  tags: ['invitations'],
  summary: 'Revoke an invitation: its link stops working',
  request: { params: IdParam },
  responses: { 200: json(Ok, 'Revoked'), 400: errors[400], 401: errors[401], 403: forbidden, 404: errors[404] },
})

const preview = createRoute({
  method: 'get',
  path: '/api/invitations/token/{token}',
  ...access('public'),
  tags: ['invitations'],
  summary: 'What an invitation link is for: the workspace, the email and the role',
  security: [],
  request: { params: TokenParam },
  responses: { 200: json(InvitationPreview, 'The invitation'), 404: gone, 429: tooMany },
})

const accept = createRoute({
  method: 'post',
  path: '/api/invitations/token/{token}/accept',
  ...access('public'),
  tags: ['invitations'],
  summary: 'Join with an invitation link: become an agent of the workspace, signed in (session cookie)',
  security: [],
  request: { params: TokenParam, body: jsonBody(AcceptInvitation) },
  responses: { 201: json(AgentResult, 'Joined and signed in'), 400: errors[400], 404: gone, 409: json(ErrorBody, 'An agent with this email exists'), 429: tooMany },
})

/** Where the app is, as the administrator's browser sees it: the invitation link must open there. */
function originOf(c: Context): string {
  const origin = c.req.header('origin')
  if (origin && /^https?:\/\/[^/\s]+$/.test(origin)) return origin
  return `${isHttps(c) ? 'https' : 'http'}://${c.req.header('host') ?? new URL(c.req.url).host}`
}

export function invitationRoutes(app: OpenAPIHono<HttpEnv>, ctx: AppContext): void {
  app.openapi(list, async (c) => c.json({ invitations: await ctx.invitations.list(c.get('agent').accountId) }, 200))

  app.openapi(create, async (c) => c.json(await ctx.invitations.create(c.get('agent'), c.req.valid('json'), originOf(c)), 201))

  app.openapi(revoke, async (c) => {
    await ctx.invitations.revoke(c.get('agent').accountId, c.req.valid('param').id)
    return c.json({ ok: true as const }, 200)
  })

  // Invitation tokens are guessed like passwords: a wrong one costs the address an attempt.
  const guarded = <T>(c: Context, run: () => Promise<T>) =>
    ctx.credentialLimits.attempt({ address: clientAddress(c) }, async () => {
      try {
        return await run()
      } catch (error) {
        if (error instanceof AdminError && error.status === 404) return null
        throw error
      }
    })

  app.openapi(preview, async (c) => {
    const found = await guarded(c, () => ctx.invitations.preview(c.req.valid('param').token))
    if (!found) throw new AdminError(404, INVITATION_GONE)
    return c.json(found, 200)
  })

  app.openapi(accept, async (c) => {
    const joined = await guarded(c, () => ctx.invitations.accept(c.req.valid('param').token, c.req.valid('json')))
    if (!joined) throw new AdminError(404, INVITATION_GONE)
    setSessionCookie(c, joined.token, Math.floor(ctx.config.sessionMs / 1000))
    return c.json({ agent: joined.agent }, 201)
  })
}
