import { z } from 'zod'
import type { JobHandler } from '../jobs/runner.ts'
import { PermanentJobError } from '../jobs/runner.ts'
import type { JobRecord } from '../store/jobs.ts'
import type { DeliveryRecord } from '../store/webhooks.ts'
import type { Store } from '../store/types.ts'
import type { Clock } from '../services/clock.ts'
import { postJson } from './http-post.ts'
import { signatureHeader } from './signature.ts'

export const WEBHOOK_JOB = 'webhook.deliver'

export interface DeliveryOptions {
  /** Attempts before a delivery is failed. */
  maxAttempts: number
  /** Scale of the first retry; each further one doubles (full jitter), at most an hour apart. */
  retryBaseMs: number
  /** How long a receiver may take to answer. */
  timeoutMs: number
  /** Private, loopback and link-local targets are allowed (WEBHOOK_ALLOW_PRIVATE). */
  allowPrivate: boolean
}

/** Webhook receivers answering at once: a slow one holds some of these, never a mail slot. */
const CONCURRENCY = 8
/** Deliveries to one webhook at once: a slow receiver holds 2 of the 8 slots, other webhooks keep going. */
const PER_WEBHOOK = 2

const MAX_RETRY_MS = 3_600_000
const JobPayload = z.object({ deliveryId: z.string() })

/** Exponential backoff with full jitter: a receiver back from an outage is not hit by every retry at once. */
export const webhookRetryDelay = (baseMs: number, attempt: number, random: () => number = Math.random): number =>
  Math.floor(random() * Math.min(MAX_RETRY_MS, baseMs * 2 ** Math.min(attempt, 30)))

/**
 * One attempt of one delivery: POST the stored body, signed at send time. 2xx delivers; anything
 * else (another status, a redirect, a refused connection, no answer in time) is recorded on the
 * delivery and thrown, so the job runner retries it later, until the last attempt fails it.
 * A job can run twice (a process dying mid-attempt); receivers dedupe on X-Inbox-Delivery.
 */
export function deliveryJob(store: Store, clock: Clock, options: DeliveryOptions): JobHandler {
  return {
    concurrency: CONCURRENCY,
    perGroup: PER_WEBHOOK,
    maxAttempts: options.maxAttempts,
    retryDelay: (attempt) => webhookRetryDelay(options.retryBaseMs, attempt),
    async run(job: JobRecord) {
      const { deliveryId } = JobPayload.parse(job.payload)
      const delivery = await store.webhooks.getDelivery(deliveryId)
      // Gone with its webhook, or settled by an earlier run of this job.
      if (!delivery || delivery.status === 'delivered' || delivery.status === 'failed') return
      const webhook = await store.webhooks.get(delivery.webhookId)
      if (!webhook || !webhook.active) {
        await record(delivery, { attempts: delivery.attempts, responseStatus: null, error: 'not sent: the webhook was disabled', final: true })
        return
      }
      const outcome = await postJson(webhook.url, headers(webhook.secret, delivery, Math.floor(clock.now() / 1000)), delivery.payload, options)
      if (outcome.ok) {
        await store.webhooks.recordAttempt(delivery.id, {
          status: 'delivered',
          attempts: job.attempts,
          responseStatus: outcome.status,
          // Kept: why it took more than one attempt.
          lastError: delivery.lastError,
          deliveredAt: clock.now(),
        })
        return
      }
      // A refused target is not tried again: the answer would be the same, and nothing was probed.
      const final = outcome.final || job.attempts >= options.maxAttempts
      await record(delivery, { attempts: job.attempts, responseStatus: outcome.status, error: outcome.error, final })
      throw final ? new PermanentJobError(outcome.error) : new Error(outcome.error)
    },
  }

  async function record(delivery: DeliveryRecord, a: { attempts: number; responseStatus: number | null; error: string; final: boolean }) {
    await store.webhooks.recordAttempt(delivery.id, {
      status: a.final ? 'failed' : 'retrying',
      attempts: a.attempts,
      responseStatus: a.responseStatus,
      lastError: a.error.slice(0, 500),
      deliveredAt: null,
    })
  }
}

const headers = (secret: string, delivery: DeliveryRecord, unixSeconds: number): Record<string, string> => ({
  'content-type': 'application/json',
  'user-agent': 'SupportInbox-Webhooks/1',
  'x-inbox-event': delivery.event,
  'x-inbox-delivery': delivery.id,
  'x-inbox-signature': signatureHeader(secret, delivery.payload, unixSeconds),
})
