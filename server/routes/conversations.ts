import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { ConversationPatch, PostMessage, PostMessageResult, ReplyCollision } from '../../shared/schemas/api.ts'
import { ConversationRow } from '../../shared/schemas/conversation.ts'
import { Message } from '../../shared/schemas/entities.ts'
import type { AppContext } from '../app-context.ts'
import { access } from '../http/access.ts'
import type { HttpEnv } from '../http/env.ts'
import { IdParam, errors, json, jsonBody } from './schemas.ts'

const getConversation = createRoute({
  method: 'get',
  path: '/api/conversations/{id}',
  ...access('agent'),
  tags: ['conversations'],
  summary: 'A conversation with its whole timeline (replies, notes, activity)',
  request: { params: IdParam },
  responses: {
    200: json(z.object({ conversation: ConversationRow, messages: z.array(Message) }), 'The conversation'),
    ...errors,
  },
})

const patchConversation = createRoute({
  method: 'patch',
  path: '/api/conversations/{id}',
  ...access('agent'),
  tags: ['conversations'],
  summary: 'Change status, assignee, team, priority or labels (as the calling agent)',
  request: { params: IdParam, body: jsonBody(ConversationPatch) },
  responses: { 200: json(z.object({ conversation: ConversationRow }), 'The conversation after the change'), ...errors },
})

const postMessage = createRoute({
  method: 'post',
  path: '/api/conversations/{id}/messages',
  ...access('agent'),
  tags: ['conversations'],
  summary: 'Post a reply or an internal note; idempotent on the client-generated id',
  description:
    'A reply whose basedOnSeq is older than a customer-visible message from someone else is held (409, ' +
    'code reply_collision) unless force is set: the send guard.',
  request: { params: IdParam, body: jsonBody(PostMessage) },
  responses: {
    201: json(PostMessageResult, 'Stored'),
    200: json(PostMessageResult, 'Already stored earlier under this id: the first result'),
    ...errors,
    409: json(
      z.union([ReplyCollision, z.object({ error: z.string() })]),
      'Held by the send guard (code reply_collision, with the messages the author has not seen; ' +
        'send again with force to send anyway), or the id belongs to a different message',
    ),
  },
})

export function conversationRoutes(app: OpenAPIHono<HttpEnv>, ctx: AppContext): void {
  app.openapi(getConversation, async (c) => {
    return c.json(await ctx.conversations.getWithMessages(c.get('agent'), c.req.valid('param').id), 200)
  })

  app.openapi(patchConversation, async (c) => {
    const conversation = await ctx.conversations.patch(c.get('agent'), c.req.valid('param').id, c.req.valid('json'))
    return c.json({ conversation }, 200)
  })

  app.openapi(postMessage, async (c) => {
    const result = await ctx.messages.postAgentMessage(c.get('agent'), c.req.valid('param').id, c.req.valid('json'))
    return c.json(result, result.duplicate ? 200 : 201)
  })
}
