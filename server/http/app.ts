import { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { compress } from 'hono/compress'
import type { AppContext } from '../app-context.ts'
import { apiChannelRoutes } from '../routes/api-channel.ts'
import { attachmentRoutes } from '../routes/attachments.ts'
import { cannedRoutes } from '../routes/canned.ts'
import { widgetCors, widgetRoutes } from '../routes/widget.ts'
import { visitorRoutes } from '../routes/visitors.ts'
import { apiChannelRestRoutes } from '../routes/api-channel-rest.ts'
import { webhookRoutes } from '../routes/webhooks.ts'
import { MAX_ATTACHMENT_BYTES } from '../../shared/schemas/entities.ts'
import { authRoutes } from '../routes/auth.ts'
import { conversationRoutes } from '../routes/conversations.ts'
import { docRoutes } from '../routes/docs.ts'
import { feedRoutes } from '../routes/feed.ts'
import { workspaceRoutes } from '../routes/workspace.ts'
import { enforceAccess } from './access.ts'
import { metaRoutes } from '../routes/meta.ts'
import { setupRoutes } from '../routes/setup.ts'
import { invitationRoutes } from '../routes/invitations.ts'
import { agentRoutes } from '../routes/agents.ts'
import { teamRoutes } from '../routes/teams.ts'
import { inboxRoutes } from '../routes/inboxes.ts'
import { profileRoutes } from '../routes/profile.ts'
import { attributeRoutes } from '../routes/attributes.ts'
import { pushRoutes } from '../routes/push.ts'
import { readRoutes } from '../routes/reads.ts'
import { notificationRoutes } from '../routes/notifications.ts'
import type { HttpEnv } from './env.ts'
import { errorResponse, fieldErrors } from './errors.ts'
import { durableAnswers } from './durable-answers.ts'
import { clientInfo } from './client-address.ts'
import { sameOriginWrites } from './same-origin-writes.ts'
import { securityHeaders } from './security-headers.ts'
import { serveApp } from './static.ts'
import { refuseNulCharacters } from './nul-characters.ts'


const tooLarge = (c: Context) => c.json({ error: 'request body too large (files: at most 40 MB)' }, 413)

export function createHttpApp(ctx: AppContext): OpenAPIHono<HttpEnv> {
  const app = new OpenAPIHono<HttpEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        const fields = fieldErrors(result.error)
        return c.json({ error: `invalid request: ${fields?.map((f) => f.path).join(', ')}`, fields }, 400)
      }
    },
  })
  app.onError(errorResponse)
  app.use('*', durableAnswers(ctx.store))
  // Before anything answers: who the client is (TRUST_PROXY), and the headers every answer carries.
  app.use('*', clientInfo(ctx.config.trustProxy))
  app.use('*', securityHeaders())
  // A tablet on a weak link: the app's bundle and a device's first catch-up (tens of MB of JSON for a
  // big account) shrink several times over with gzip.
  app.use('*', compress())

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' })
  app.openAPIRegistry.registerComponent('securitySchemes', 'cookie', { type: 'apiKey', in: 'cookie', name: 'inbox_session' })
  app.openAPIRegistry.registerComponent('securitySchemes', 'inboxToken', { type: 'http', scheme: 'bearer' })

  // Bodies are read whole before validation: cap them first. Bulk doc sync carries many docs' states.
  const small = bodyLimit({ maxSize: 1024 * 1024, onError: tooLarge })
  const bulk = bodyLimit({ maxSize: 8 * 1024 * 1024, onError: tooLarge })
  const file = bodyLimit({ maxSize: MAX_ATTACHMENT_BYTES, onError: tooLarge })
  app.use('/api/*', (c, next) =>
    c.req.path === '/api/docs/sync' ? bulk(c, next) : c.req.path === '/api/attachments' ? file(c, next) : small(c, next),
  )

  // The widget's public API answers any site, its refusals included (before CSRF and access checks).
  app.use('/api/widget/*', widgetCors())
  // CSRF: cookie-borne writes only from pages of this origin.
  app.use('/api/*', sameOriginWrites(ctx.config.trustProxy))
  // Each route declares who may call it (x-access in the OpenAPI document); this enforces exactly that.
  app.use(
    '/api/*',
    enforceAccess(app, {
      auth: ctx.auth,
      inboxToken: async (token) => (await ctx.apiChannel.inboxForToken(token)) !== null,
      visitor: async (token) => (await ctx.widget.service.authenticate(token)) !== null,
    }),
  )
  // After the access check: a caller who may not call a route learns nothing from its body.
  app.use('/api/*', refuseNulCharacters)

  metaRoutes(app)
  authRoutes(app, ctx)
  setupRoutes(app, ctx)
  invitationRoutes(app, ctx)
  agentRoutes(app, ctx)
  teamRoutes(app, ctx)
  attributeRoutes(app, ctx)
  inboxRoutes(app, ctx)
  profileRoutes(app, ctx)
  pushRoutes(app, ctx)
  workspaceRoutes(app, ctx)
  feedRoutes(app, ctx)
  conversationRoutes(app, ctx)
  readRoutes(app, ctx)
  notificationRoutes(app, ctx)
  docRoutes(app, ctx)
  apiChannelRoutes(app, ctx)
  attachmentRoutes(app, ctx)
  cannedRoutes(app, ctx)
  widgetRoutes(app, ctx)
  visitorRoutes(app, ctx)
  apiChannelRestRoutes(app, ctx)
  webhookRoutes(app, ctx)

  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Support inbox API', version: '1', description: 'Offline-first shared support inbox.' },
    security: [{ bearer: [] }, { cookie: [] }],
  })

  serveApp(app, ctx.config.staticDir)
  return app
}
