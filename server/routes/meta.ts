import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { access } from '../http/access.ts'
import type { HttpEnv } from '../http/env.ts'
import { json } from './schemas.ts'

// The service's own endpoints: health, and this document (served by app.doc31, declared here so that
// it too says who may read it).

const health = createRoute({
  method: 'get',
  path: '/api/health',
  ...access('public'),
  tags: ['meta'],
  summary: 'Answers while the server is up',
  security: [],
  responses: { 200: json(z.object({ ok: z.literal(true) }), 'Up') },
})

const openapi = createRoute({
  method: 'get',
  path: '/api/openapi.json',
  ...access('public'),
  tags: ['meta'],
  summary: 'This OpenAPI document; `x-access` on each operation says who may call it',
  security: [],
  responses: { 200: { description: 'The document' } },
})

export function metaRoutes(app: OpenAPIHono<HttpEnv>): void {
  app.openapi(health, (c) => c.json({ ok: true as const }, 200))
  app.openAPIRegistry.registerPath(openapi)
}
