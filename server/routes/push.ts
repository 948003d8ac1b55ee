import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import { ErrorBody } from '../../shared/schemas/api.ts'
import { Ok } from '../../shared/schemas/admin.ts'
import { PushEndpoint, PushKey, PushSubscriptionJson } from '../../shared/schemas/push.ts'
import type { AppContext } from '../app-context.ts'
import { access } from '../http/access.ts'
import type { HttpEnv } from '../http/env.ts'
import { errors, json, jsonBody } from './schemas.ts'

const key = createRoute({
  method: 'get',
  path: '/api/push/key',
  ...access('agent'),
  tags: ['push'],
  summary: "The server's VAPID public key: the applicationServerKey to subscribe with",
  responses: { 200: json(PushKey, 'The key (base64url)'), 401: errors[401] },
})

const subscribe = createRoute({
  method: 'post',
  path: '/api/push/subscriptions',
  ...access('agent'),
  tags: ['push'],
  summary: "Send your notifications to this browser's push subscription (PushSubscription.toJSON())",
  description: 'Subscribing the same endpoint again replaces its keys. Each notification is pushed once to each of your subscriptions.',
  request: { body: jsonBody(PushSubscriptionJson) },
  responses: {
    200: json(Ok, 'Subscribed'),
    400: errors[400],
    401: errors[401],
    409: json(ErrorBody, 'Another agent subscribed this endpoint with another secret'),
  },
})

const unsubscribe = createRoute({
  method: 'delete',
  path: '/api/push/subscriptions',
  ...access('agent'),
  tags: ['push'],
  summary: 'Stop pushing your notifications to this endpoint',
  request: { body: jsonBody(PushEndpoint) },
  responses: { 200: json(Ok, 'Unsubscribed'), 400: errors[400], 401: errors[401], 404: errors[404] },
})

export function pushRoutes(app: OpenAPIHono<HttpEnv>, ctx: AppContext): void {
  app.openapi(key, async (c) => c.json({ publicKey: await ctx.push.publicKey() }, 200))

  app.openapi(subscribe, async (c) => {
    await ctx.push.subscribe(c.get('agent'), c.req.valid('json'))
    return c.json({ ok: true as const }, 200)
  })

  app.openapi(unsubscribe, async (c) => {
    await ctx.push.unsubscribe(c.get('agent'), c.req.valid('json').endpoint)
    return c.json({ ok: true as const }, 200)
  })
}
