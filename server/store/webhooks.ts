import type { DeliveryStatus, Webhook, WebhookEvent } from '../../shared/schemas/webhooks.ts'
import type { NewJob } from './jobs.ts'

// Webhooks and their delivery log. The secret is stored as it is: the server needs it to sign every
// delivery, so it cannot be hashed like a token; the API shows it only when it is made.

export interface WebhookRecord extends Webhook {
  accountId: string
  secret: string
}

export interface DeliveryRecord {
  id: string
  webhookId: string
  accountId: string
  /** The event this delivers (the envelope's id): one delivery per event and webhook. */
  eventId: string | null
  event: WebhookEvent
  /** The exact JSON body sent on every attempt (the signature covers these bytes). */
  payload: string
  status: DeliveryStatus
  attempts: number
  responseStatus: number | null
  lastError: string | null
  createdAt: number
  deliveredAt: number | null
}

export interface DeliveryAttempt {
  status: DeliveryStatus
  attempts: number
  responseStatus: number | null
  lastError: string | null
  deliveredAt: number | null
}

export interface WebhookStore {
  insert(webhook: WebhookRecord): Promise<void>
  get(id: string): Promise<WebhookRecord | null>
  list(accountId: string): Promise<WebhookRecord[]>
  /** Active webhooks of the account subscribed to the event. */
  listSubscribed(accountId: string, event: WebhookEvent): Promise<WebhookRecord[]>
  update(id: string, changes: Partial<Pick<WebhookRecord, 'url' | 'events' | 'active' | 'secret'>>): Promise<void>
  /** Removes the webhook and its delivery log. */
  delete(id: string): Promise<void>

  /**
   * Each delivery with the job that sends it, in one transaction. A delivery of the same event to the
   * same webhook that exists already is skipped with its job, so a fan-out that runs twice (its
   * process died before it was marked done) makes no second delivery.
   */
  insertDeliveries(items: { delivery: DeliveryRecord; job: NewJob }[], now: number): Promise<void>
  getDelivery(id: string): Promise<DeliveryRecord | null>
  /** Newest first. */
  listDeliveries(webhookId: string, limit: number): Promise<DeliveryRecord[]>
  recordAttempt(id: string, attempt: DeliveryAttempt): Promise<void>
}
