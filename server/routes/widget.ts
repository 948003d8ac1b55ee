import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { Context, MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { cors } from 'hono/cors'
import { z } from 'zod'
import { ErrorBody } from '../../shared/schemas/api.ts'
import {
  WidgetHistory,
  WidgetKey,
  WidgetPostMessage,
  WidgetPostResult,
  WidgetSession,
  WidgetSessionRequest,
} from '../../shared/schemas/widget.ts'
import type { AppContext } from '../app-context.ts'
import { bearerToken } from '../http/auth-middleware.ts'
import { clientKey } from '../http/client-address.ts'
import { access } from '../http/access.ts'
import type { HttpEnv } from '../http/env.ts'
import { demoPage } from '../widget/demo-page.ts'
import { RateLimiter } from '../widget/rate-limit.ts'
import { InvalidVisitorError } from '../widget/service.ts'
import { sendDownload } from './attachments.ts'
import { errors, json, jsonBody } from './schemas.ts'

/** The widget's JSON bodies are chat lines: a message is at most 5,000 characters. */
const MAX_WIDGET_BODY_BYTES = 64 * 1024

const tooMany = json(ErrorBody, 'Too many requests; Retry-After says when to try again')
const unauthorised = json(ErrorBody, 'The visitor token is missing, forged, expired or revoked (the visitor was blocked)')
// Public as far as the document's security schemes go (no agent credentials): the visitor's token is
// a bearer token checked by each route, named in its description.
const visitorSecurity: { [scheme: string]: string[] }[] = []
const WITH_TOKEN = 'Send the visitor token from POST /api/widget/session as `Authorization: Bearer <token>`.'

const startSession = createRoute({
  method: 'post',
  path: '/api/widget/session',
  ...access('public'),
  tags: ['widget'],
  summary: 'Start or resume a website visitor (public; CORS for any origin)',
  description:
    'With the inbox key alone, a new visitor (optionally with name and email; the email is kept as unverified and ' +
    'never matched to an existing contact); with a token issued earlier, the same visitor with a fresh token. ' +
    'A new visitor is only a signed token: the contact (and the agents\' feed entry) comes with the first message. ' +
    'Send the token as `Authorization: Bearer <token>` to the other widget endpoints, and as the first frame of the ' +
    'live socket `/api/widget/live` (`{"type":"auth","token":"..."}`, within 5 s, else it closes with 4401). ' +
    'Tokens never go in a URL.',
  security: [],
  request: { body: jsonBody(WidgetSessionRequest) },
  responses: { 200: json(WidgetSession, 'The visitor'), 400: errors[400], 401: unauthorised, 404: json(ErrorBody, 'No Website inbox has this key'), 429: tooMany },
})

const getHistory = createRoute({
  method: 'get',
  path: '/api/widget/messages',
  ...access('visitor'),
  tags: ['widget'],
  summary: "The visitor's messages and the agents' replies, oldest first (never internal notes)",
  description: WITH_TOKEN,
  security: visitorSecurity,
  responses: { 200: json(WidgetHistory, 'The history'), 401: unauthorised, 429: tooMany },
})

const postMessage = createRoute({
  method: 'post',
  path: '/api/widget/messages',
  ...access('visitor'),
  tags: ['widget'],
  summary: "A visitor's message",
  description:
    "The visitor's first message makes their contact. " +
    "Goes to the visitor's latest unresolved conversation in the inbox, or starts one; a pending or snoozed " +
    'conversation reopens. Idempotent on `id`: a retry returns the stored message. ' +
    WITH_TOKEN,
  security: visitorSecurity,
  request: { body: jsonBody(WidgetPostMessage) },
  responses: {
    201: json(WidgetPostResult, 'Stored'),
    400: errors[400],
    401: unauthorised,
    409: json(ErrorBody, 'The id belongs to another message'),
    429: tooMany,
  },
})

const AttachmentParams = z.object({ conversationId: z.uuid(), id: z.uuid() })
const getAttachment = createRoute({
  method: 'get',
  path: '/api/widget/conversations/{conversationId}/attachments/{id}',
  ...access('visitor'),
  tags: ['widget'],
  summary: 'A file of a message the visitor can see',
  description: `${WITH_TOKEN} Never in the URL: the widget fetches the file and shows it from a blob: URL.`,
  security: visitorSecurity,
  request: { params: AttachmentParams },
  responses: { 200: { description: 'The file' }, 401: unauthorised, 404: errors[404] },
})

/** The widget API answers any origin: no cookies are involved anywhere in it (no credentials mode).
 *  Mounted before the access check, so that its refusals (401) reach the widget's page as well. */
export const widgetCors = () =>
  cors({ origin: '*', allowMethods: ['GET', 'POST'], allowHeaders: ['Content-Type', 'Authorization'], maxAge: 600 })

/** The widget endpoints, `/widget.js` and the demo page. The `/api/widget/*` routes are public (the
 *  visitor token is checked here) and answer any origin: the widget runs on customers' websites. */
export function widgetRoutes(app: OpenAPIHono<HttpEnv>, ctx: AppContext): void {
  const { service } = ctx.widget
  const now = () => ctx.clock.now()

  // CORS comes first, in http/app.ts (widgetCors): a 401 from the access check must be readable too.
  app.use('/api/widget/*', bodyLimit({ maxSize: MAX_WIDGET_BODY_BYTES, onError: (c) => c.json({ error: 'request body too large' }, 413) }))
  // Per client address: generous for a page's reloads, reconnects and images.
  app.use('/api/widget/*', limitBy(new RateLimiter(120, 5), (c) => clientAddress(c), now))
  // A new visitor is a row, not yet a contact: generous, but bounded.
  const newVisitors = new RateLimiter(60, 1)
  // A first message makes a contact: the flood to prevent.
  const newContacts = new RateLimiter(30, 0.5)
  // A visitor types; a script posts.
  const messagesOf = new RateLimiter(20, 1)

  app.openapi(startSession, async (c) => {
    const input = c.req.valid('json')
    if (input.token === undefined) {
      const wait = newVisitors.take(clientAddress(c), now())
      if (wait > 0) return tooManyRequests(c, wait)
    }
    try {
      return c.json(await service.startSession(input), 200)
    } catch (error) {
      if (error instanceof InvalidVisitorError) return c.json({ error: error.message }, 401)
      throw error
    }
  })

  app.openapi(getHistory, async (c) => {
    const visitor = await service.authenticate(bearerToken(c.req.header('authorization')))
    if (!visitor) return c.json({ error: 'a valid visitor token is required' }, 401)
    return c.json({ messages: await service.history(visitor) }, 200)
  })

  app.openapi(postMessage, async (c) => {
    const visitor = await service.authenticate(bearerToken(c.req.header('authorization')))
    if (!visitor) return c.json({ error: 'a valid visitor token is required' }, 401)
    const wait = messagesOf.take(visitor.id, now())
    if (wait > 0) return tooManyRequests(c, wait)
    if (!visitor.contact) {
      const waitForContact = newContacts.take(clientAddress(c), now())
      if (waitForContact > 0) return tooManyRequests(c, waitForContact)
    }
    return c.json({ message: await service.send(visitor, c.req.valid('json')) }, 201)
  })

  app.openAPIRegistry.registerPath(getAttachment)
  app.get('/api/widget/conversations/:conversationId/attachments/:id', async (c) => {
    const params = AttachmentParams.safeParse(c.req.param())
    if (!params.success) return c.json({ error: 'attachment not found' }, 404)
    const visitor = await service.authenticate(bearerToken(c.req.header('authorization')))
    if (!visitor) return c.json({ error: 'a valid visitor token is required' }, 401)
    const download = await service.openAttachment(visitor, params.data.conversationId, params.data.id)
    const response = sendDownload(download)
    response.headers.set('access-control-allow-origin', '*')
    // Shown as <img> on the customer's site, which may isolate itself (COEP).
    response.headers.set('cross-origin-resource-policy', 'cross-origin')
    return response
  })

  // The embed script: any site loads it; a short cache so a new version reaches sites within minutes.
  app.get('/widget.js', async (c) => {
    const code = await readFile(path.join(ctx.config.staticDir, 'widget.js'), 'utf8').catch(() => null)
    if (code === null) return c.text('/* the widget is not built: run `npm run build` */', 404)
    return c.body(code, 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=300',
      'access-control-allow-origin': '*',
      'cross-origin-resource-policy': 'cross-origin',
      'x-content-type-options': 'nosniff',
    })
  })

  app.get('/widget-demo', async (c) => {
    const asked = c.req.query('key')
    const valid = WidgetKey.safeParse(asked).success && asked !== undefined && (await service.inboxForKey(asked)) !== null
    const key = asked === undefined ? await service.demoKey() : valid ? asked : null
    c.header('Cache-Control', 'no-cache')
    return c.html(demoPage(new URL(c.req.url).origin, key))
  })
}

/** Behind a reverse proxy (TRUST_PROXY) each visitor is counted by their own address, not the proxy's. */
const clientAddress = clientKey

function tooManyRequests(c: Context, waitSeconds: number) {
  c.header('Retry-After', String(waitSeconds))
  return c.json({ error: `too many requests: try again in ${waitSeconds} s` }, 429)
}

function limitBy(limiter: RateLimiter, keyOf: (c: Context) => string, now: () => number): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method === 'OPTIONS') return next()
    const wait = limiter.take(keyOf(c), now())
    if (wait > 0) return tooManyRequests(c, wait)
    return next()
  }
}
