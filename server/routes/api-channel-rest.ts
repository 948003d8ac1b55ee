import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { Context, MiddlewareHandler } from 'hono'
import { z } from 'zod'
import { ApiChannelContact, ErrorBody } from '../../shared/schemas/api.ts'
import {
  ApiChannelContactResult,
  ApiChannelConversationResult,
  ApiChannelNewConversation,
  CustomerMessages,
} from '../../shared/schemas/api-channel.ts'
import type { Inbox } from '../../shared/schemas/entities.ts'
import type { AppContext } from '../app-context.ts'
import { bearerToken } from '../http/auth-middleware.ts'
import { access } from '../http/access.ts'
import type { HttpEnv } from '../http/env.ts'
import { ARCHIVED_INBOX, isArchived } from '../services/inboxes.ts'
import { IdParam, errors, json, jsonBody } from './schemas.ts'

// The API channel for external systems, beyond posting a customer's message (api-channel.ts). Every
// route here authenticates by the inbox's token itself: the agents' middleware lets
// /api/channels/api/* through (http/app.ts).

const security = [{ inboxToken: [] }]
const unauthorised = json(ErrorBody, 'No valid API inbox token')

const postContact = createRoute({
  method: 'post',
  path: '/api/channels/api/contacts',
  ...access('inbox-token'),
  tags: ['channels'],
  summary: 'Create a contact, or update the one with this email (Authorization: Bearer <inbox token>)',
  description:
    'A contact with this email in the account is returned (200), its name replaced by the one given and the ' +
    'attributes given merged into its own; otherwise a new contact is made (201). Without an email, always a new one.',
  security,
  request: { body: jsonBody(ApiChannelContact) },
  responses: { 201: json(ApiChannelContactResult, 'Created'), 200: json(ApiChannelContactResult, 'Existing contact'), 400: errors[400], 401: unauthorised },
})

const postConversation = createRoute({
  method: 'post',
  path: '/api/channels/api/conversations',
  ...access('inbox-token'),
  tags: ['channels'],
  summary: "Start a conversation in the token's inbox for a contact (Authorization: Bearer <inbox token>)",
  description:
    'Give `contactId` (a contact of the account) or `contact` (found by email, or made). With `body`, it is the ' +
    "customer's first message. Always a new conversation.",
  security,
  request: { body: jsonBody(ApiChannelNewConversation) },
  responses: { 201: json(ApiChannelConversationResult, 'Created'), 400: errors[400], 401: unauthorised },
})

const getMessages = createRoute({
  method: 'get',
  path: '/api/channels/api/conversations/{id}/messages',
  ...access('inbox-token'),
  tags: ['channels'],
  summary: "The customer's view of a conversation of the token's inbox: incoming messages and replies, never notes",
  description: 'Oldest first. `after` (a seq) returns only newer ones, for polling. Another inbox\'s conversation is a 404.',
  security,
  request: { params: IdParam, query: z.object({ after: z.coerce.number().int().nonnegative().default(0) }) },
  responses: { 200: json(CustomerMessages, 'The messages'), 400: errors[400], 401: unauthorised, 404: errors[404] },
})

/** The API inbox the request's bearer token belongs to, or null. */
async function apiInbox(c: Context, ctx: AppContext): Promise<Inbox | null> {
  const token = bearerToken(c.req.header('authorization'))
  return token ? ctx.apiChannel.inboxForToken(token) : null
}

/** Set by the token check, which runs before validation: a caller without a valid token learns
 *  nothing about the request format, only 401. */
const inboxes = new WeakMap<Request, Inbox>()
const inboxOf = (c: Context): Inbox => {
  const inbox = inboxes.get(c.req.raw)
  if (!inbox) throw new Error('the inbox token check did not run')
  return inbox
}

export function apiChannelRestRoutes(app: OpenAPIHono<HttpEnv>, ctx: AppContext): void {
  const requireInbox: MiddlewareHandler<HttpEnv> = async (c, next) => {
    const inbox = await apiInbox(c, ctx)
    if (!inbox) return c.json({ error: 'a valid API inbox token is required' }, 401)
    // An archived inbox's conversations stay readable; it takes nothing new.
    if (isArchived(inbox) && c.req.method !== 'GET') return c.json({ error: ARCHIVED_INBOX }, 403)
    inboxes.set(c.req.raw, inbox)
    await next()
  }
  for (const path of ['/api/channels/api/contacts', '/api/channels/api/conversations', '/api/channels/api/conversations/:id/messages'])
    app.use(path, requireInbox)

  app.openapi(postContact, async (c) => {
    const { contact, created } = await ctx.apiChannelRest.upsertContact(inboxOf(c), c.req.valid('json'))
    return created ? c.json(contact, 201) : c.json(contact, 200)
  })

  app.openapi(postConversation, async (c) => c.json(await ctx.apiChannelRest.startConversation(inboxOf(c), c.req.valid('json')), 201))

  app.openapi(getMessages, async (c) => {
    const messages = await ctx.apiChannelRest.customerMessages(inboxOf(c), c.req.valid('param').id, c.req.valid('query').after)
    return c.json({ messages }, 200)
  })
}
