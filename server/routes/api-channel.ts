import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import { ApiChannelMessage, ApiChannelMessageResult, ErrorBody } from '../../shared/schemas/api.ts'
import type { AppContext } from '../app-context.ts'
import { tokenOf } from '../http/auth-middleware.ts'
import { access } from '../http/access.ts'
import type { HttpEnv } from '../http/env.ts'
import { ARCHIVED_INBOX as ARCHIVED, isArchived } from '../services/inboxes.ts'
import { errors, json, jsonBody } from './schemas.ts'

const postIncoming = createRoute({
  method: 'post',
  path: '/api/channels/api/messages',
  ...access('inbox-token'),
  tags: ['channels'],
  summary: "A customer's message through the API channel (Authorization: Bearer <inbox token>)",
  description:
    "Adds the message to the conversation named by `conversationId` (reopening it if it was resolved), or " +
    "to the contact's latest unresolved conversation in the token's inbox, or starts one. " +
    'Customer-facing: it never returns internal notes.',
  security: [{ inboxToken: [] }],
  request: { body: jsonBody(ApiChannelMessage) },
  responses: {
    201: json(ApiChannelMessageResult, 'Stored'),
    400: errors[400],
    401: errors[401],
    403: json(ErrorBody, 'The inbox is archived: it takes no new messages'),
    404: errors[404],
  },
})

export function apiChannelRoutes(app: OpenAPIHono<HttpEnv>, ctx: AppContext): void {
  app.openapi(postIncoming, async (c) => {
    const token = tokenOf({ authorization: c.req.header('authorization') })
    const inbox = token ? await ctx.apiChannel.inboxForToken(token) : null
    if (!inbox) return c.json({ error: 'a valid API inbox token is required' }, 401)
    if (isArchived(inbox)) return c.json({ error: ARCHIVED }, 403)
    return c.json(await ctx.apiChannel.receive(inbox, c.req.valid('json')), 201)
  })
}
