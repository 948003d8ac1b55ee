import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import type { AppContext } from '../app-context.ts'
import { access } from '../http/access.ts'
import type { HttpEnv } from '../http/env.ts'
import { IdParam, errors, json } from './schemas.ts'

// Agents acting on website visitors (the widget's own public routes are in widget.ts).

const blockVisitor = createRoute({
  method: 'post',
  path: '/api/contacts/{id}/block-visitor',
  ...access('agent'),
  tags: ['widget'],
  summary: "Block a website visitor: every visitor token of this contact stops working (the widget's calls get 401, its live socket closes)",
  description:
    'For the contact of a Website conversation. Their conversations stay as they are; a blocked visitor who ' +
    'comes back is a new visitor with a new contact. Repeating it is harmless. A contact of another account, ' +
    'or one that never wrote through the widget, is a 404.',
  request: { params: IdParam },
  responses: { 200: json(z.object({ ok: z.literal(true), revoked: z.number().int().nonnegative() }), 'Blocked'), ...errors },
})

export function visitorRoutes(app: OpenAPIHono<HttpEnv>, ctx: AppContext): void {
  app.openapi(blockVisitor, async (c) => {
    const revoked = await ctx.widget.service.revokeVisitorsOf(c.get('agent').accountId, c.req.valid('param').id)
    return c.json({ ok: true as const, revoked: revoked.length }, 200)
  })
}
