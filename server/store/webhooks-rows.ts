import type { DeliveryRecord, WebhookRecord } from './webhooks.ts'
import type { WebhookEvent } from '../../shared/schemas/webhooks.ts'
// Column shapes and row mappers shared by the SQLite and PostgreSQL stores (same columns on both).

export interface WebhookColumns {
  id: string
  account_id: string
  url: string
  secret: string
  events: string
  active: number
  created_at: number
}

export interface DeliveryColumns {
  id: string
  webhook_id: string
  account_id: string
  event_id: string | null
  event: string
  payload: string
  status: DeliveryRecord['status']
  attempts: number
  response_status: number | null
  last_error: string | null
  created_at: number
  delivered_at: number | null
}

export const toWebhook = (r: WebhookColumns): WebhookRecord => ({
  id: r.id,
  accountId: r.account_id,
  url: r.url,
  secret: r.secret,
  events: JSON.parse(r.events) as WebhookEvent[],
  active: r.active === 1,
  createdAt: r.created_at,
})

export const toDelivery = (r: DeliveryColumns): DeliveryRecord => ({
  id: r.id,
  webhookId: r.webhook_id,
  accountId: r.account_id,
  eventId: r.event_id,
  event: r.event as WebhookEvent,
  payload: r.payload,
  status: r.status,
  attempts: r.attempts,
  responseStatus: r.response_status,
  lastError: r.last_error,
  createdAt: r.created_at,
  deliveredAt: r.delivered_at,
})
