import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import { ErrorBody } from '../../shared/schemas/api.ts'
import { AgentList, AgentPatch, AgentResult } from '../../shared/schemas/admin.ts'
import type { AppContext } from '../app-context.ts'
import { access } from '../http/access.ts'
import type { HttpEnv } from '../http/env.ts'
import { IdParam, errors, json, jsonBody } from './schemas.ts'

const forbidden = json(ErrorBody, 'Administrators only')

const list = createRoute({
  method: 'get',
  path: '/api/agents',
  ...access('admin'),
  tags: ['agents'],
  summary: "The account's agents, active and deactivated, with when each joined",
  responses: { 200: json(AgentList, 'The agents'), 401: errors[401], 403: forbidden },
})

const patch = createRoute({
  method: 'patch',
  path: '/api/agents/{id}',
  ...access('admin'),
  tags: ['agents'],
  summary: "Change an agent's role, or deactivate or reactivate them",
  description:
    'Deactivating ends every session and API token of the agent at once, closes their sockets (code 4401), ' +
    'unassigns their unresolved conversations with an activity line, and refuses their sign-in. ' +
    'The last administrator can be neither demoted nor deactivated.',
  request: { params: IdParam, body: jsonBody(AgentPatch) },
  responses: {
    200: json(AgentResult, 'The agent after the change'),
    400: errors[400],
    401: errors[401],
    403: forbidden,
    404: errors[404],
    409: json(ErrorBody, 'The last administrator'),
  },
})

export function agentRoutes(app: OpenAPIHono<HttpEnv>, ctx: AppContext): void {
  app.openapi(list, async (c) => c.json({ agents: await ctx.agentsAdmin.list(c.get('agent').accountId) }, 200))

  app.openapi(patch, async (c) => {
    const agent = await ctx.agentsAdmin.update(c.get('agent').accountId, c.req.valid('param').id, c.req.valid('json'))
    return c.json({ agent }, 200)
  })
}
