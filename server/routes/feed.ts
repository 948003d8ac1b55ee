import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { FeedEntry, FeedPage } from '../../shared/schemas/feed.ts'
import type { AppContext } from '../app-context.ts'
import { access } from '../http/access.ts'
import type { HttpEnv } from '../http/env.ts'
import { fieldErrors } from '../http/errors.ts'
import { errors, json } from './schemas.ts'

const MAX_PAGE = 2000

const Kind = z.enum(FeedEntry.options.map((o) => o.shape.kind.value) as [FeedEntry['kind'], ...FeedEntry['kind'][]])

const FeedQuery = z.object({
  after: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(500),
  /** Comma-separated kinds: a new device reads conversations and contacts first, messages after. */
  kinds: z
    .string()
    .transform((v) => v.split(','))
    .pipe(z.array(Kind).min(1))
    .optional(),
  /** Entries up to this seq only (a device filling in history below its cursor). */
  until: z.coerce.number().int().nonnegative().optional(),
})

const readFeed = createRoute({
  method: 'get',
  path: '/api/feed',
  ...access('agent'),
  tags: ['feed'],
  summary: 'Change feed entries after a seq, in seq order (live pushes: WebSocket /api/feed/live)',
  request: { query: FeedQuery },
  responses: { 200: json(FeedPage, 'A page of entries'), 400: errors[400], 401: errors[401] },
})

export function feedRoutes(app: OpenAPIHono<HttpEnv>, ctx: AppContext): void {
  // Documented like every route, but answered as raw JSON text: entries are stored serialised, and
  // splicing them avoids parsing and re-serialising every page.
  app.openAPIRegistry.registerPath(readFeed)
  app.get('/api/feed', async (c) => {
    const query = FeedQuery.safeParse(c.req.query())
    if (!query.success) return c.json({ error: 'invalid request', fields: fieldErrors(query.error) }, 400)
    const { after, limit, kinds, until } = query.data
    const agent = c.get('agent')
    const { entries, lastSeq } = await ctx.feed.read(agent.accountId, after, limit, { kinds, until, agentId: agent.id })
    const body = `{"entries":[${entries.join(',')}],"lastSeq":${lastSeq},"hasMore":${entries.length === limit}}`
    return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } })
  })
}
