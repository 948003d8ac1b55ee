import type { WebhookEvent } from '../../shared/schemas/webhooks.ts'
import type { JobHandler } from '../jobs/runner.ts'
import type { Outbox } from '../jobs/outbox.ts'
import type { Clock } from '../services/clock.ts'
import { PendingEvent } from '../services/domain-events.ts'
import type { JobRecord } from '../store/jobs.ts'
import type { Store } from '../store/types.ts'
import { WEBHOOK_JOB } from './delivery-job.ts'
import { type Envelope, announcesMessage, assigneeChanged, messageCreated, statusChanged } from './payloads.ts'

/** One event of an account, to be turned into a delivery per subscribed webhook. */
export const WEBHOOK_EVENT_JOB = 'webhook.event'

/**
 * Webhooks in two steps, both through the job queue.
 *
 * 1. The change that causes an event (a message stored, a status or assignee projected from a doc)
 *    writes a `webhook.event` job in its own transaction, the event being its payload (the outbox
 *    row), when the account has a webhook that wants it. Only the event is recorded there: the body
 *    names the message's seq and the contact, known or read after the commit, and the store does not
 *    build payloads.
 * 2. That job builds the body once and writes, in one transaction, a delivery row and a send job per
 *    subscribed webhook. It may run twice (a process dying before it is marked done): deliveries are
 *    unique per (event, webhook), so the second run adds nothing. The envelope's id and time are the
 *    event job's, the same on every run, and every retry of a delivery sends the same signed bytes.
 */
export function decideWebhookEvents(store: Store, outbox: Outbox): void {
  const wanted = async (accountId: string, event: WebhookEvent) => (await store.webhooks.listSubscribed(accountId, event)).length > 0
  const job = (event: PendingEvent, dedupeKey: string | null) => [{ kind: WEBHOOK_EVENT_JOB, accountId: event.accountId, dedupeKey, payload: event }]

  outbox.decide('message.created', async (event) => {
    // Rule 7: a note (or an activity line) is never announced, whatever the webhook asked for.
    if (!announcesMessage(event.message) || !(await wanted(event.accountId, event.type))) return []
    return job(event, `${WEBHOOK_EVENT_JOB}:${event.message.id}`)
  })
  outbox.decide('conversation.status_changed', async (event) => ((await wanted(event.accountId, event.type)) ? job(event, null) : []))
  outbox.decide('conversation.assignee_changed', async (event) => ((await wanted(event.accountId, event.type)) ? job(event, null) : []))
}

/** Step 2: the fan-out of one event job. Only reads and one write; the sending is the delivery jobs'. */
export function fanOutJob(store: Store, clock: Clock, wake: (kind: string) => void): JobHandler {
  return {
    concurrency: 2,
    async run(job: JobRecord) {
      const event = PendingEvent.parse(job.payload)
      const hooks = await store.webhooks.listSubscribed(event.accountId, event.type)
      if (hooks.length === 0) return
      const data = await body(store, event)
      if (data === null) return
      const envelope: Envelope = { id: job.id, event: event.type, createdAt: job.createdAt, accountId: event.accountId, data }
      const payload = JSON.stringify(envelope)
      const now = clock.now()
      await store.webhooks.insertDeliveries(
        hooks.map((hook) => {
          const id = clock.id()
          return {
            delivery: {
              id,
              webhookId: hook.id,
              accountId: event.accountId,
              eventId: job.id,
              event: event.type,
              payload,
              status: 'pending',
              attempts: 0,
              responseStatus: null,
              lastError: null,
              createdAt: now,
              deliveredAt: null,
            },
            job: { id: clock.id(), kind: WEBHOOK_JOB, accountId: event.accountId, dedupeKey: id, payload: { deliveryId: id }, runAt: now, group: hook.id },
          }
        }),
        now,
      )
      wake(WEBHOOK_JOB)
    },
  }
}

/** The event's `data`, or null when what it is about is gone (nothing to tell). */
async function body(store: Store, event: PendingEvent): Promise<unknown> {
  if (event.type === 'message.created') {
    const message = await store.conversations.getMessage(event.message.id)
    // Rule 7, checked again on the stored message.
    if (!message || !announcesMessage(message)) return null
    const conversation = (await store.conversations.getConversation(message.conversationId))?.row
    if (!conversation) return null
    return messageCreated(message, conversation, await store.contacts.getContact(conversation.contactId))
  }
  const conversation = (await store.conversations.getConversation(event.conversationId))?.row
  if (!conversation) return null
  return event.type === 'conversation.status_changed' ? statusChanged(conversation, event) : assigneeChanged(conversation, event)
}
