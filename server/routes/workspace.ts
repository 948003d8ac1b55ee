import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import { Workspace } from '../../shared/schemas/api.ts'
import type { AppContext } from '../app-context.ts'
import { access } from '../http/access.ts'
import type { HttpEnv } from '../http/env.ts'
import { errors, json } from './schemas.ts'

const getWorkspace = createRoute({
  method: 'get',
  path: '/api/workspace',
  ...access('agent'),
  tags: ['workspace'],
  summary: 'The signed-in agent, their account, its agents, teams and inboxes',
  responses: { 200: json(Workspace, 'The workspace'), 401: errors[401] },
})

export function workspaceRoutes(app: OpenAPIHono<HttpEnv>, ctx: AppContext): void {
  app.openapi(getWorkspace, async (c) => {
    const { passwordHash: _omit, ...me } = c.get('agent')
    return c.json({ me, ...(await ctx.workspace.of(me.accountId)) }, 200)
  })
}
