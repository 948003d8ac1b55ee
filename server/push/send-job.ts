import webpush from 'web-push'
import { z } from 'zod'
import { PushMessage } from '../../shared/schemas/push.ts'
import { type JobHandler, PermanentJobError } from '../jobs/runner.ts'
import type { JobRecord } from '../store/jobs.ts'
import type { PushStore } from '../store/push.ts'
import { postJson } from '../webhooks/http-post.ts'
import type { VapidKeyring } from './vapid.ts'

export const PUSH_JOB = 'push.send'

export const PushJobPayload = z.object({ subscriptionId: z.string(), agentId: z.string(), message: PushMessage })
export type PushJobPayload = z.infer<typeof PushJobPayload>

export interface PushSendOptions {
  subject: string
  timeoutMs: number
  /** WEBHOOK_ALLOW_PRIVATE: push services on private addresses may be reached (tests). */
  allowPrivate: boolean
}

/** A notification no one has seen in a day is not worth waking a device for. */
const TTL_SECONDS = 24 * 3600
const MAX_ATTEMPTS = 6

/**
 * One push to one browser subscription (RFC 8030, payload encrypted with RFC 8291 aes128gcm by
 * web-push, signed with the deployment's VAPID key). A job, so a push service that is down is retried
 * with backoff and a restart loses nothing. 404/410: the browser unsubscribed, or the subscription
 * expired: it is deleted, and this agent's next notifications skip it. Another 4xx will not get
 * better by trying again (a payload or key the service refuses). The tag is the notification's id:
 * a push that arrives twice (a job run again after a crash) replaces itself on the device.
 */
export function pushSendJob(store: PushStore, keyring: VapidKeyring, options: PushSendOptions): JobHandler {
  return {
    concurrency: 8,
    maxAttempts: MAX_ATTEMPTS,
    async run(job: JobRecord) {
      const { subscriptionId, agentId, message } = PushJobPayload.parse(job.payload)
      const subscription = await store.getSubscription(subscriptionId)
      // Turned off since the job was queued, or the browser is another agent's now.
      if (!subscription || subscription.agentId !== agentId) return
      const keys = await keyring.keys()
      const request = webpush.generateRequestDetails(
        { endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
        JSON.stringify(message),
        { vapidDetails: { subject: options.subject, ...keys }, TTL: TTL_SECONDS, urgency: 'high', contentEncoding: 'aes128gcm' },
      )
      const { 'Content-Length': _length, ...headers } = request.headers
      const outcome = await postJson(request.endpoint, { ...headers, 'user-agent': 'SupportInbox-Push/1' }, request.body, options)
      if (outcome.ok) return
      if (outcome.status === 404 || outcome.status === 410) {
        await store.deleteSubscriptionById(subscription.id)
        return
      }
      const retryable = outcome.status === null || outcome.status === 429 || outcome.status >= 500
      if (outcome.final || !retryable) throw new PermanentJobError(outcome.error)
      throw new Error(outcome.error)
    },
  }
}
