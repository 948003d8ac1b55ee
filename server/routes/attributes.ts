import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import { ErrorBody } from '../../shared/schemas/api.ts'
import { Ok } from '../../shared/schemas/admin.ts'
import { AttributeList, AttributePatch, AttributeResult, ContactAttributesPatch, ContactAttributesResult, NewAttribute } from '../../shared/schemas/attributes.ts'
import type { AppContext } from '../app-context.ts'
import { access } from '../http/access.ts'
import type { HttpEnv } from '../http/env.ts'
import { IdParam, errors, json, jsonBody } from './schemas.ts'

// Contact custom attributes: the definitions (administrators; every agent reads them, also through
// the directory) and a contact's values (any agent of the account).

const forbidden = json(ErrorBody, 'Administrators only')

const list = createRoute({
  method: 'get',
  path: '/api/attributes',
  ...access('agent'),
  tags: ['attributes'],
  summary: "The account's contact attributes (also carried by the directory feed entry)",
  responses: { 200: json(AttributeList, 'The definitions, by label'), 401: errors[401] },
})

const create = createRoute({
  method: 'post',
  path: '/api/attributes',
  ...access('admin'),
  tags: ['attributes'],
  summary: 'Define a contact attribute: label, type (text, number, date, link, checkbox) and key (derived from the label when absent)',
  request: { body: jsonBody(NewAttribute) },
  responses: {
    201: json(AttributeResult, 'Created'),
    400: errors[400],
    401: errors[401],
    403: forbidden,
    409: json(ErrorBody, 'The key is taken (fields names `key`)'),
  },
})

const rename = createRoute({
  method: 'patch',
  path: '/api/attributes/{id}',
  ...access('admin'),
  tags: ['attributes'],
  summary: "Rename an attribute's label (its key and type stay)",
  request: { params: IdParam, body: jsonBody(AttributePatch) },
  responses: { 200: json(AttributeResult, 'The attribute after the change'), 400: errors[400], 401: errors[401], 403: forbidden, 404: errors[404] },
})

const remove = createRoute({
  method: 'delete',
  path: '/api/attributes/{id}',
  ...access('admin'),
  tags: ['attributes'],
  summary: 'Delete an attribute; contacts keep their values under its key, no longer shown',
  request: { params: IdParam },
  responses: { 200: json(Ok, 'Deleted'), 400: errors[400], 401: errors[401], 403: forbidden, 404: errors[404] },
})

const setValues = createRoute({
  method: 'patch',
  path: '/api/contacts/{id}/attributes',
  ...access('agent'),
  tags: ['attributes'],
  summary: "Set some of a contact's attribute values (null clears one); the others keep theirs",
  description:
    'Merged per key: two agents setting different keys at once both keep their value; on one key the later ' +
    'write wins. Each key must be a defined attribute and each value fit its type, else 400 naming `set.<key>`. ' +
    'Answers with the contact and the seq of its `contact` feed entry.',
  request: { params: IdParam, body: jsonBody(ContactAttributesPatch) },
  responses: { 200: json(ContactAttributesResult, 'The contact after the change'), ...errors },
})

export function attributeRoutes(app: OpenAPIHono<HttpEnv>, ctx: AppContext): void {
  app.openapi(list, async (c) => c.json({ attributes: await ctx.attributes.list(c.get('agent').accountId) }, 200))

  app.openapi(create, async (c) => c.json({ attribute: await ctx.attributes.create(c.get('agent').accountId, c.req.valid('json')) }, 201))

  app.openapi(rename, async (c) => {
    const attribute = await ctx.attributes.rename(c.get('agent').accountId, c.req.valid('param').id, c.req.valid('json').label)
    return c.json({ attribute }, 200)
  })

  app.openapi(remove, async (c) => {
    await ctx.attributes.remove(c.get('agent').accountId, c.req.valid('param').id)
    return c.json({ ok: true as const }, 200)
  })

  app.openapi(setValues, async (c) => {
    const result = await ctx.attributes.setValues(c.get('agent').accountId, c.req.valid('param').id, c.req.valid('json').set)
    return c.json(result, 200)
  })
}
