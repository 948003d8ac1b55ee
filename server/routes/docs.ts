import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import * as Y from 'yjs'
import { DocsSync, DocsSyncResult, type ErrorBody, ErrorBody as ErrorBodySchema } from '../../shared/schemas/api.ts'
import { MAX_DOC_BYTES } from '../sync/doc-limits.ts'
import { decodeBytes, encodeBytes } from '../../shared/base64.ts'
import type { AppContext } from '../app-context.ts'
import { access } from '../http/access.ts'
import type { HttpEnv } from '../http/env.ts'
import { errors, json, jsonBody } from './schemas.ts'

const syncDocs = createRoute({
  method: 'post',
  path: '/api/docs/sync',
  ...access('agent'),
  tags: ['sync'],
  summary: 'Push and pull many conversation docs at once (Yjs updates, base64)',
  description:
    'Each item may carry an update to merge (answered only once it is stored) and a state vector; ' +
    'the answer holds, per doc, what the caller lacks.',
  request: { body: jsonBody(DocsSync) },
  responses: {
    200: json(DocsSyncResult, 'What each doc lacks on the caller'),
    400: errors[400],
    401: errors[401],
    404: errors[404],
    413: json(ErrorBodySchema, 'An update would take a doc over its size cap; `fields` names it, and nothing was applied'),
  },
})

const decodes = (decode: () => unknown): boolean => {
  try {
    decode()
    return true
  } catch {
    return false
  }
}

/** Updates and state vectors that Yjs cannot decode, named by their place in the request. */
function undecodable(docs: DocsSync['docs']): NonNullable<ErrorBody['fields']> {
  const fields: NonNullable<ErrorBody['fields']> = []
  docs.forEach(({ update, stateVector }, i) => {
    if (update !== undefined && !decodes(() => Y.decodeUpdate(decodeBytes(update))))
      fields.push({ path: `docs.${i}.update`, message: 'not a Yjs update' })
    if (stateVector !== undefined && !decodes(() => Y.decodeStateVector(decodeBytes(stateVector))))
      fields.push({ path: `docs.${i}.stateVector`, message: 'not a Yjs state vector' })
  })
  return fields
}

/** Indexes of the items whose update would take their doc over the cap (checked before any is applied). */
async function overflowing(ctx: AppContext, docs: DocsSync['docs']): Promise<number[]> {
  const found: number[] = []
  for (const [i, item] of docs.entries()) {
    if (item.update !== undefined && (await ctx.docs.wouldOverflow(item.id, decodeBytes(item.update)))) found.push(i)
  }
  return found
}

export function docRoutes(app: OpenAPIHono<HttpEnv>, ctx: AppContext): void {
  app.openapi(syncDocs, async (c) => {
    const agent = c.get('agent')
    const { docs } = c.req.valid('json')
    // Authorise every doc and decode every update and state vector before touching any, so a request
    // is refused whole rather than half-applied, and garbage is the caller's 400, not our 500.
    for (const item of docs) await ctx.conversations.getFor(agent, item.id)
    const fields = undecodable(docs)
    if (fields.length > 0) return c.json({ error: `invalid request: ${fields.map((f) => f.path).join(', ')}`, fields }, 400)
    const oversized = await overflowing(ctx, docs)
    if (oversized.length > 0) {
      const ids = oversized.map((i) => docs[i]!.id)
      const error = `The shared state of conversation ${ids.join(', ')} would grow over ${MAX_DOC_BYTES / 1024 / 1024} MiB: nothing was saved`
      return c.json({ error, fields: oversized.map((i) => ({ path: `docs.${i}.update`, message: `conversation ${docs[i]!.id}: document too large` })) }, 413)
    }
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
