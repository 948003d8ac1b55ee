import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import { DocsSync, DocsSyncResult } from '../../shared/schemas/api.ts'
import { decodeBytes, encodeBytes } from '../../shared/base64.ts'
import type { AppContext } from '../app-context.ts'
import type { HttpEnv } from '../http/env.ts'
import { errors, json, jsonBody } from './schemas.ts'

const syncDocs = createRoute({
  method: 'post',
  path: '/api/docs/sync',
  tags: ['sync'],
  summary: 'Push and pull many conversation docs at once (Yjs updates, base64)',
  description:
    'Each item may carry an update to merge (answered only once it is stored) and a state vector; ' +
    'the answer holds, per doc, what the caller lacks.',
  request: { body: jsonBody(DocsSync) },
  responses: { 200: json(DocsSyncResult, 'What each doc lacks on the caller'), ...errors },
})

export function docRoutes(app: OpenAPIHono<HttpEnv>, ctx: AppContext): void {
  app.openapi(syncDocs, async (c) => {
    const agent = c.get('agent')
    const { docs } = c.req.valid('json')
    // Authorise every doc before touching any, so a request is refused whole rather than half-applied.
    for (const item of docs) await ctx.conversations.getFor(agent, item.id)
    const origin = { kind: 'agent' as const, agentId: agent.id }
    const answers = []
    for (const item of docs) {
      if (item.update) await ctx.docs.applyUpdate(item.id, decodeBytes(item.update), origin)
      const diff = await ctx.docs.diff(item.id, item.stateVector ? decodeBytes(item.stateVector) : undefined)
      answers.push({ id: item.id, update: encodeBytes(diff) })
    }
    return c.json({ docs: answers }, 200)
  })
}
