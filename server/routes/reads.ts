import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import { MarkRead, MarkReadResult } from '../../shared/schemas/read-marks.ts'
import type { AppContext } from '../app-context.ts'
import { access } from '../http/access.ts'
import type { HttpEnv } from '../http/env.ts'
import { IdParam, errors, json, jsonBody } from './schemas.ts'

const markRead = createRoute({
  method: 'post',
  path: '/api/conversations/{id}/read',
  ...access('agent'),
  tags: ['conversations'],
  summary: 'Mark the conversation read (for the calling agent) up to a message seq',
  description:
    'Customer messages with a seq above the mark are unread to this agent. The mark only moves forward ' +
    '(a lower seenSeq changes nothing) unless `unread` is set ("Mark as unread"); it is capped at the ' +
    "conversation's newest message. Idempotent. The agent's devices get it through the change feed " +
    '(entries of kind `read`, for this agent alone).',
  request: { params: IdParam, body: jsonBody(MarkRead) },
  responses: { 200: json(MarkReadResult, 'The mark as it stands after the request'), ...errors },
})

export function readRoutes(app: OpenAPIHono<HttpEnv>, ctx: AppContext): void {
  app.openapi(markRead, async (c) => {
    const read = await ctx.reads.mark(c.get('agent'), c.req.valid('param').id, c.req.valid('json'))
    return c.json({ read }, 200)
  })
}
