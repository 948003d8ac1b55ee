import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import { NotificationList, NotificationResult, ReadAllResult } from '../../shared/schemas/notification-api.ts'
import type { AppContext } from '../app-context.ts'
import { access } from '../http/access.ts'
import type { HttpEnv } from '../http/env.ts'
import { IdParam, errors, json } from './schemas.ts'

const list = createRoute({
  method: 'get',
  path: '/api/notifications',
  ...access('agent'),
  tags: ['notifications'],
  summary: "The calling agent's notifications, newest first (at most 100)",
  description: 'The app reads them from the change feed (entries of kind `notification`, for this agent alone); this is for scripts.',
  responses: { 200: json(NotificationList, 'Newest first'), ...errors },
})

const markRead = createRoute({
  method: 'post',
  path: '/api/notifications/{id}/read',
  ...access('agent'),
  tags: ['notifications'],
  summary: 'Mark one of your notifications read',
  description: "Idempotent. Another agent's notification is 404. The agent's devices get the change through the feed.",
  request: { params: IdParam },
  responses: { 200: json(NotificationResult, 'The notification, read'), ...errors },
})

const readAll = createRoute({
  method: 'post',
  path: '/api/notifications/read-all',
  ...access('agent'),
  tags: ['notifications'],
  summary: 'Mark all your notifications read',
  responses: { 200: json(ReadAllResult, 'How many were unread'), ...errors },
})

export function notificationRoutes(app: OpenAPIHono<HttpEnv>, ctx: AppContext): void {
  app.openapi(list, async (c) => c.json({ notifications: await ctx.notifications.list(c.get('agent')) }, 200))
  app.openapi(readAll, async (c) => c.json({ read: await ctx.notifications.markAllRead(c.get('agent')) }, 200))
  app.openapi(markRead, async (c) => {
    const notification = await ctx.notifications.markRead(c.get('agent'), c.req.valid('param').id)
    return c.json({ notification }, 200)
  })
}
