import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { ErrorBody } from '../../shared/schemas/api.ts'
import { NewWebhook, Webhook, WebhookDelivery, WebhookPatch, WebhookWithSecret } from '../../shared/schemas/webhooks.ts'
import type { AppContext } from '../app-context.ts'
import { access } from '../http/access.ts'
import type { HttpEnv } from '../http/env.ts'
import { IdParam, errors, json, jsonBody } from './schemas.ts'

const signing =
  'Each delivery is a POST of `{id, event, createdAt, accountId, data}` with headers X-Inbox-Event, X-Inbox-Delivery ' +
  'and X-Inbox-Signature `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.'

const listWebhooks = createRoute({
  method: 'get',
  path: '/api/webhooks',
  ...access('admin'),
  tags: ['webhooks'],
  summary: "Your account's webhooks (without their secrets)",
  responses: { 200: json(z.object({ webhooks: z.array(Webhook) }), 'The webhooks, oldest first'), 401: errors[401] },
})

const createWebhook = createRoute({
  method: 'post',
  path: '/api/webhooks',
  ...access('admin'),
  tags: ['webhooks'],
  summary: 'Add a webhook; the answer holds its signing secret, shown this once',
  description: `${signing} Internal notes and activity lines are never sent.`,
  request: { body: jsonBody(NewWebhook) },
  responses: { 201: json(WebhookWithSecret, 'Created'), 400: errors[400], 401: errors[401], 409: json(ErrorBody, 'The account has as many webhooks as it may') },
})

const patchWebhook = createRoute({
  method: 'patch',
  path: '/api/webhooks/{id}',
  ...access('admin'),
  tags: ['webhooks'],
  summary: "Change a webhook's URL or events, or enable or disable it",
  description: 'Disabling a webhook also stops the retries of its undelivered events.',
  request: { params: IdParam, body: jsonBody(WebhookPatch) },
  responses: { 200: json(z.object({ webhook: Webhook }), 'The webhook after the change'), ...errors },
})

const deleteWebhook = createRoute({
  method: 'delete',
  path: '/api/webhooks/{id}',
  ...access('admin'),
  tags: ['webhooks'],
  summary: 'Delete a webhook and its delivery log',
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...errors },
})

const newSecret = createRoute({
  method: 'post',
  path: '/api/webhooks/{id}/secret',
  ...access('admin'),
  tags: ['webhooks'],
  summary: 'Replace the signing secret (the old one stops working at once); the answer shows the new one once',
  request: { params: IdParam },
  responses: { 200: json(WebhookWithSecret, 'The new secret'), ...errors },
})

const listDeliveries = createRoute({
  method: 'get',
  path: '/api/webhooks/{id}/deliveries',
  ...access('admin'),
  tags: ['webhooks'],
  summary: "A webhook's delivery log, newest first: status, attempts, last response status and error",
  request: { params: IdParam, query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }) },
  responses: { 200: json(z.object({ deliveries: z.array(WebhookDelivery) }), 'The log'), ...errors },
})

export function webhookRoutes(app: OpenAPIHono<HttpEnv>, ctx: AppContext): void {
  app.openapi(listWebhooks, async (c) => c.json({ webhooks: await ctx.webhooks.list(c.get('agent').accountId) }, 200))

  app.openapi(createWebhook, async (c) => c.json(await ctx.webhooks.create(c.get('agent').accountId, c.req.valid('json')), 201))

  app.openapi(patchWebhook, async (c) => {
    const webhook = await ctx.webhooks.update(c.get('agent').accountId, c.req.valid('param').id, c.req.valid('json'))
    return c.json({ webhook }, 200)
  })

  app.openapi(deleteWebhook, async (c) => {
    await ctx.webhooks.remove(c.get('agent').accountId, c.req.valid('param').id)
    return c.body(null, 204)
  })

  app.openapi(newSecret, async (c) => c.json(await ctx.webhooks.replaceSecret(c.get('agent').accountId, c.req.valid('param').id), 200))

  app.openapi(listDeliveries, async (c) => {
    const deliveries = await ctx.webhooks.deliveries(c.get('agent').accountId, c.req.valid('param').id, c.req.valid('query').limit)
    return c.json({ deliveries }, 200)
  })
}
