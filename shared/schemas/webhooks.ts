import { z } from 'zod'
import { Id, Timestamp } from './entities.ts'

// Webhooks of an account: what agents manage in Settings and what the server POSTs to their URLs.

export const WEBHOOK_EVENTS = ['message.created', 'conversation.status_changed', 'conversation.assignee_changed'] as const
export const WebhookEvent = z.enum(WEBHOOK_EVENTS)
export type WebhookEvent = z.infer<typeof WebhookEvent>

/** An absolute http(s) URL. Other schemes (file:, ftp:, javascript:) are never fetched. */
export const WebhookUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((value) => {
    try {
      const url = new URL(value)
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== ''
    } catch {
      return false
    }
  }, 'an absolute http:// or https:// URL')

/** At least one event (the server drops duplicates). */
const WebhookEvents = z.array(WebhookEvent).min(1, 'choose at least one event').max(WEBHOOK_EVENTS.length * 2)

export const Webhook = z.object({
  id: Id,
  url: z.string(),
  events: z.array(WebhookEvent),
  active: z.boolean(),
  createdAt: Timestamp,
})
export type Webhook = z.infer<typeof Webhook>

export const NewWebhook = z.object({ url: WebhookUrl, events: WebhookEvents })
export type NewWebhook = z.infer<typeof NewWebhook>

export const WebhookPatch = z.object({ url: WebhookUrl.optional(), events: WebhookEvents.optional(), active: z.boolean().optional() })
export type WebhookPatch = z.infer<typeof WebhookPatch>

/** The signing secret is in this answer only (creation, or a new secret): it is never listed. */
export const WebhookWithSecret = z.object({ webhook: Webhook, secret: z.string() })
export type WebhookWithSecret = z.infer<typeof WebhookWithSecret>

export const DeliveryStatus = z.enum(['pending', 'retrying', 'delivered', 'failed'])
export type DeliveryStatus = z.infer<typeof DeliveryStatus>

export const WebhookDelivery = z.object({
  id: Id,
  webhookId: Id,
  event: WebhookEvent,
  status: DeliveryStatus,
  attempts: z.number().int().nonnegative(),
  /** The HTTP status of the last attempt's answer; null when there was none (refused, timed out). */
  responseStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: Timestamp,
  deliveredAt: Timestamp.nullable(),
})
export type WebhookDelivery = z.infer<typeof WebhookDelivery>
