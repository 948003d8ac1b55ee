import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import { ErrorBody } from '../../shared/schemas/api.ts'
import { InboxList, InboxPatch, InboxResult, InboxToken, NewInbox, NewInboxResult, Ok } from '../../shared/schemas/admin.ts'
import type { AppContext } from '../app-context.ts'
import { access } from '../http/access.ts'
import type { HttpEnv } from '../http/env.ts'
import { IdParam, errors, json, jsonBody } from './schemas.ts'

const forbidden = json(ErrorBody, 'Administrators only')

const list = createRoute({
  method: 'get',
  path: '/api/inboxes',
  ...access('admin'),
  tags: ['inboxes'],
  summary: "The account's inboxes, archived ones included, each with its number of conversations",
  responses: { 200: json(InboxList, 'The inboxes'), 401: errors[401], 403: forbidden },
})

const create = createRoute({
  method: 'post',
  path: '/api/inboxes',
  ...access('admin'),
  tags: ['inboxes'],
  summary: 'Add an inbox: Website (gets a widget key), Email (its address, unique) or API (its token, shown this once)',
  request: { body: jsonBody(NewInbox) },
  responses: {
    201: json(NewInboxResult, 'Created'),
    400: errors[400],
    401: errors[401],
    403: forbidden,
    409: json(ErrorBody, 'Another inbox has this email address'),
  },
})

const patch = createRoute({
  method: 'patch',
  path: '/api/inboxes/{id}',
  ...access('admin'),
  tags: ['inboxes'],
  summary: 'Rename an inbox, change its address (Email), or archive it (it takes no new conversations) or bring it back',
  request: { params: IdParam, body: jsonBody(InboxPatch) },
  responses: {
    200: json(InboxResult, 'The inbox after the change'),
    400: errors[400],
    401: errors[401],
    403: forbidden,
    404: errors[404],
    409: json(ErrorBody, 'Another inbox has this email address'),
  },
})

const newToken = createRoute({
  method: 'post',
  path: '/api/inboxes/{id}/token',
  ...access('admin'),
  tags: ['inboxes'],
  summary: "Replace an API inbox's token (the old one stops at once); the answer shows the new one once",
  request: { params: IdParam },
  responses: { 200: json(InboxToken, 'The new token'), 400: errors[400], 401: errors[401], 403: forbidden, 404: errors[404] },
})

const remove = createRoute({
  method: 'delete',
  path: '/api/inboxes/{id}',
  ...access('admin'),
  tags: ['inboxes'],
  summary: 'Delete an inbox that has no conversations (archive one that has)',
  request: { params: IdParam },
  responses: {
    200: json(Ok, 'Deleted'),
    400: errors[400],
    401: errors[401],
    403: forbidden,
    404: errors[404],
    409: json(ErrorBody, 'The inbox has conversations'),
  },
})

export function inboxRoutes(app: OpenAPIHono<HttpEnv>, ctx: AppContext): void {
  app.openapi(list, async (c) => c.json({ inboxes: await ctx.inboxes.list(c.get('agent').accountId) }, 200))

  app.openapi(create, async (c) => c.json(await ctx.inboxes.create(c.get('agent').accountId, c.req.valid('json')), 201))

  app.openapi(patch, async (c) => {
    const inbox = await ctx.inboxes.update(c.get('agent').accountId, c.req.valid('param').id, c.req.valid('json'))
    return c.json({ inbox }, 200)
  })

  app.openapi(newToken, async (c) => c.json({ token: await ctx.inboxes.regenerateToken(c.get('agent').accountId, c.req.valid('param').id) }, 200))

  app.openapi(remove, async (c) => {
    await ctx.inboxes.remove(c.get('agent').accountId, c.req.valid('param').id)
    return c.json({ ok: true as const }, 200)
  })
}
