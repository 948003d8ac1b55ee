import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import { ErrorBody, TooManyAttempts } from '../../shared/schemas/api.ts'
import { AgentResult, SetupRequest, SetupStatus } from '../../shared/schemas/admin.ts'
import type { AppContext } from '../app-context.ts'
import { access } from '../http/access.ts'
import type { HttpEnv } from '../http/env.ts'
import { setSessionCookie } from '../http/session-cookie.ts'
import { clientAddress } from '../http/client-address.ts'
import { AdminError } from '../services/admin-errors.ts'
import { WRONG_CODE } from '../services/setup.ts'
import type { Agent } from '../../shared/schemas/entities.ts'
import { errors, json, jsonBody } from './schemas.ts'

const status = createRoute({
  method: 'get',
  path: '/api/setup',
  ...access('public'),
  tags: ['setup'],
  summary: 'Whether the workspace still has to be set up (no account exists yet)',
  security: [],
  responses: { 200: json(SetupStatus, 'Whether setup is needed') },
})

const setUp = createRoute({
  method: 'post',
  path: '/api/setup',
  ...access('public'),
  tags: ['setup'],
  summary: 'First run: create the workspace and its first administrator with the code the server printed at start',
  description: 'Only while no account exists; the code works once. Signs the new administrator in (session cookie).',
  security: [],
  request: { body: jsonBody(SetupRequest) },
  responses: {
    201: json(AgentResult, 'The workspace exists; signed in as its administrator'),
    400: errors[400],
    403: json(ErrorBody, 'The setup code is not right'),
    409: json(ErrorBody, 'The workspace already exists'),
    429: json(TooManyAttempts, 'Too many wrong codes; Retry-After says when to try again'),
  },
})

export function setupRoutes(app: OpenAPIHono<HttpEnv>, ctx: AppContext): void {
  app.openapi(status, async (c) => c.json({ needed: await ctx.setup.needed() }, 200))

  app.openapi(setUp, async (c) => {
    const input = c.req.valid('json')
    // Limited like sign-in: a wrong code counts against the address and against 'setup' itself.
    const done = await ctx.credentialLimits.attempt({ address: clientAddress(c), subject: 'setup' }, async () => {
      try {
        return await ctx.setup.setUp(input)
      } catch (error) {
        if (error instanceof AdminError && error.status === 403) return false
        throw error
      }
    })
    if (!done) throw new AdminError(403, WRONG_CODE, 'code')
    setSessionCookie(c, done.token, Math.floor(ctx.config.sessionMs / 1000))
    return c.json({ agent: done.agent satisfies Agent }, 201)
  })
}
