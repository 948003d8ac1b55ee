import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TestServer } from '../support/server.ts'

// DESIGN §5: the HTTP API is described by an OpenAPI document served by the server, generated from
// the same zod schemas that validate requests.

interface Operation {
  summary?: string
  parameters?: { name: string; in: string; required?: boolean }[]
  requestBody?: { content: Record<string, { schema: { required?: string[]; properties?: Record<string, unknown> } }> }
  responses: Record<string, unknown>
}

interface OpenApiDocument {
  openapi: string
  info: { title: string; version: string }
  paths: Record<string, Record<string, Operation>>
  components?: { securitySchemes?: Record<string, unknown> }
}

const ROUTES = [
  'post /api/auth/sign-in',
  'post /api/auth/sign-out',
  'post /api/auth/tokens',
  'get /api/workspace',
  'get /api/feed',
  'get /api/conversations/{id}',
  'patch /api/conversations/{id}',
  'post /api/conversations/{id}/messages',
  'post /api/conversations/{id}/read',
  'get /api/notifications',
  'post /api/notifications/{id}/read',
  'post /api/notifications/read-all',
  'post /api/docs/sync',
  'post /api/channels/api/messages',
  'post /api/attachments',
  'get /api/attachments/{id}',
]

describe('OpenAPI document', () => {
  let server: TestServer
  let doc: OpenApiDocument

  beforeAll(async () => {
    server = await TestServer.start()
    const res = await server.request<OpenApiDocument>('/api/openapi.json')
    expect(res.status).toBe(200)
    doc = res.body
  })
  afterAll(() => server.close())

  it('is served without sign-in, as OpenAPI 3.1 JSON', () => {
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.info.title).toBe('Support inbox API')
    expect(Object.keys(doc.components?.securitySchemes ?? {}).sort()).toEqual(['bearer', 'cookie', 'inboxToken'])
  })

  it('lists every route of the API, each with a summary and its responses', () => {
    const listed = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method} ${path}`))
    // Every route named here is documented (the list grows with the API; each must have a summary).
    expect(listed).toEqual(expect.arrayContaining(ROUTES))
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(op.summary, `${method} ${path}`).toEqual(expect.any(String))
        expect(Object.keys(op.responses).length, `${method} ${path}`).toBeGreaterThan(0)
      }
    }
  })

  it('describes requests with the validating schemas: required fields, path and query parameters', () => {
    const post = doc.paths['/api/conversations/{id}/messages']!.post!
    expect(post.requestBody?.content['application/json']?.schema.required?.sort()).toEqual(['basedOnSeq', 'body', 'id', 'kind'])
    expect(post.parameters).toContainEqual(expect.objectContaining({ name: 'id', in: 'path', required: true }))
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['200', '201', '400', '404', '409']))
    const feed = doc.paths['/api/feed']!.get!
    expect(feed.parameters?.map((p) => `${p.in}:${p.name}`).sort()).toEqual(['query:after', 'query:kinds', 'query:limit', 'query:until'])
    const channel = doc.paths['/api/channels/api/messages']!.post!
    expect(channel.requestBody?.content['application/json']?.schema.required?.sort()).toEqual(['body', 'contact'])
  })

  it('every documented route exists on the server (answers something other than 404 without credentials)', async () => {
    for (const route of ROUTES) {
      const [method, path] = route.split(' ') as [string, string]
      const res = await server.request(path.replace('{id}', randomUUID()), { method: method.toUpperCase(), ...(method === 'get' ? {} : { json: {} }) })
      expect(res.status, route).not.toBe(404)
      expect(res.status, route).toBeLessThan(500)
    }
  })
})
