import type { WebhookEvent } from '../../shared/schemas/webhooks.ts'
import type { DomainEvents } from '../services/domain-events.ts'
import type { Clock } from '../services/clock.ts'
import type { JobRunner } from '../jobs/runner.ts'
import type { Store } from '../store/types.ts'
import { WEBHOOK_JOB } from './delivery-job.ts'
import { type Envelope, announcesMessage, assigneeChanged, messageCreated, statusChanged } from './payloads.ts'

/**
 * Domain events -> one delivery row and one job per subscribed, active webhook. The body is built
 * once per event and stored with the delivery, so every retry sends (and signs) the same bytes.
 */
export class WebhookDispatcher {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly jobs: JobRunner,
  ) {}

  listen(events: DomainEvents): void {
    events.on('message.created', (e) => {
      // Rule 7: a note (or an activity line) is never announced, whatever the webhook asked for.
      if (!announcesMessage(e.message)) return
      return this.dispatch(e.accountId, 'message.created', async () =>
        messageCreated(e.message, e.conversation, await this.store.getContact(e.conversation.contactId)),
      )
    })
    events.on('conversation.status_changed', (e) =>
      this.dispatch(e.accountId, 'conversation.status_changed', async () => statusChanged(await this.conversation(e.conversationId), e)),
    )
    events.on('conversation.assignee_changed', (e) =>
      this.dispatch(e.accountId, 'conversation.assignee_changed', async () => assigneeChanged(await this.conversation(e.conversationId), e)),
    )
  }

  private async conversation(id: string) {
    const stored = await this.store.getConversation(id)
    if (!stored) throw new Error(`conversation ${id} vanished`)
    return stored.row
  }

  /** `data` is only built when some webhook wants the event. */
  async dispatch(accountId: string, event: WebhookEvent, data: () => Promise<unknown>): Promise<void> {
    const hooks = await this.store.webhooks.listSubscribed(accountId, event)
    if (hooks.length === 0) return
    const now = this.clock.now()
    const envelope: Envelope = { id: this.clock.id(), event, createdAt: now, accountId, data: await data() }
    const payload = JSON.stringify(envelope)
    for (const hook of hooks) {
      const id = this.clock.id()
      await this.store.webhooks.insertDelivery({
        id,
        webhookId: hook.id,
        accountId,
        event,
        payload,
        status: 'pending',
        attempts: 0,
        responseStatus: null,
        lastError: null,
        createdAt: now,
        deliveredAt: null,
      })
      await this.jobs.enqueue({ kind: WEBHOOK_JOB, accountId, dedupeKey: id, payload: { deliveryId: id } })
    }
  }
}
