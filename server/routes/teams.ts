import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import { ErrorBody } from '../../shared/schemas/api.ts'
import { NewTeam, Ok, TeamPatch, TeamResult } from '../../shared/schemas/admin.ts'
import type { AppContext } from '../app-context.ts'
import { access } from '../http/access.ts'
import type { HttpEnv } from '../http/env.ts'
import { IdParam, errors, json, jsonBody } from './schemas.ts'

const forbidden = json(ErrorBody, 'Administrators only')

const create = createRoute({
  method: 'post',
  path: '/api/teams',
  ...access('admin'),
  tags: ['teams'],
  summary: 'Add a team, optionally with members',
  request: { body: jsonBody(NewTeam) },
  responses: { 201: json(TeamResult, 'Created'), 400: errors[400], 401: errors[401], 403: forbidden },
})

const patch = createRoute({
  method: 'patch',
  path: '/api/teams/{id}',
  ...access('admin'),
  tags: ['teams'],
  summary: 'Rename a team or replace its members',
  request: { params: IdParam, body: jsonBody(TeamPatch) },
  responses: { 200: json(TeamResult, 'The team after the change'), 400: errors[400], 401: errors[401], 403: forbidden, 404: errors[404] },
})

const remove = createRoute({
  method: 'delete',
  path: '/api/teams/{id}',
  ...access('admin'),
  tags: ['teams'],
  summary: 'Delete a team; its conversations lose the team, each with an activity line',
  request: { params: IdParam },
  responses: { 200: json(Ok, 'Deleted'), 400: errors[400], 401: errors[401], 403: forbidden, 404: errors[404] },
})

export function teamRoutes(app: OpenAPIHono<HttpEnv>, ctx: AppContext): void {
  app.openapi(create, async (c) => c.json({ team: await ctx.teams.create(c.get('agent').accountId, c.req.valid('json')) }, 201))

  app.openapi(patch, async (c) => {
    const team = await ctx.teams.update(c.get('agent').accountId, c.req.valid('param').id, c.req.valid('json'))
    return c.json({ team }, 200)
  })

  app.openapi(remove, async (c) => {
    await ctx.teams.remove(c.get('agent').accountId, c.req.valid('param').id)
    return c.json({ ok: true as const }, 200)
  })
}
