import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { z } from 'zod'
import { CannedResponse, CannedResponsePatch, NewCannedResponse } from '../../shared/canned.ts'
import { ErrorBody } from '../../shared/schemas/api.ts'
import type { AppContext } from '../app-context.ts'
import { access } from '../http/access.ts'
import type { HttpEnv } from '../http/env.ts'
import { ShortCodeTakenError } from '../services/canned.ts'
import { IdParam, errors, json, jsonBody } from './schemas.ts'

const duplicate = { 409: json(ErrorBody, 'The short code is already used in the account (`fields` names shortCode)') }
const One = z.object({ cannedResponse: CannedResponse })

const list = createRoute({
  method: 'get',
  path: '/api/canned-responses',
  ...access('agent'),
  tags: ['canned responses'],
  summary: "The account's canned responses, by short code",
  description: 'Devices get them, and every change to them, through the change feed (entries of kind `canned`).',
  responses: { 200: json(z.object({ cannedResponses: z.array(CannedResponse) }), 'The canned responses'), ...errors },
})

const create = createRoute({
  method: 'post',
  path: '/api/canned-responses',
  ...access('agent'),
  tags: ['canned responses'],
  summary: 'Add a canned response',
  description:
    'shortCode: 1-40 of a-z, 0-9, "_" and "-" (lowercased), unique in the account. content: up to 5,000 characters; ' +
    'variables such as {{contact.name}} or {{contact.name | there}} are filled in when an agent inserts it.',
  request: { body: jsonBody(NewCannedResponse) },
  responses: { 201: json(One, 'Added'), ...errors, ...duplicate },
})

const update = createRoute({
  method: 'patch',
  path: '/api/canned-responses/{id}',
  ...access('agent'),
  tags: ['canned responses'],
  summary: 'Change the short code or the content of a canned response',
  request: { params: IdParam, body: jsonBody(CannedResponsePatch) },
  responses: { 200: json(One, 'The canned response after the change'), ...errors, ...duplicate },
})

const remove = createRoute({
  method: 'delete',
  path: '/api/canned-responses/{id}',
  ...access('agent'),
  tags: ['canned responses'],
  summary: 'Delete a canned response (its short code becomes free)',
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...errors },
})

const taken = (c: Context, error: ShortCodeTakenError) =>
  c.json({ error: error.message, fields: [{ path: error.field, message: error.message }] } satisfies ErrorBody, 409)

export function cannedRoutes(app: OpenAPIHono<HttpEnv>, ctx: AppContext): void {
  app.openapi(list, async (c) => c.json({ cannedResponses: await ctx.canned.list(c.get('agent')) }, 200))

  app.openapi(create, async (c) => {
    try {
      return c.json({ cannedResponse: await ctx.canned.create(c.get('agent'), c.req.valid('json')) }, 201)
    } catch (error) {
      if (error instanceof ShortCodeTakenError) return taken(c, error)
      throw error
    }
  })

  app.openapi(update, async (c) => {
    try {
      const cannedResponse = await ctx.canned.update(c.get('agent'), c.req.valid('param').id, c.req.valid('json'))
      return c.json({ cannedResponse }, 200)
    } catch (error) {
      if (error instanceof ShortCodeTakenError) return taken(c, error)
      throw error
    }
  })

  app.openapi(remove, async (c) => {
    await ctx.canned.remove(c.get('agent'), c.req.valid('param').id)
    return c.body(null, 204)
  })
}
