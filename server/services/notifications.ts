import { z } from 'zod'
import { NotificationType, type AgentNotification } from '../../shared/schemas/notifications.ts'
import { notificationPath, notificationTitle, snippet } from '../../shared/notification-text.ts'
import { SYSTEM_AUTHOR } from '../../shared/conversation-doc.ts'
import type { Outbox } from '../jobs/outbox.ts'
import type { JobRunner } from '../jobs/runner.ts'
import type { JobRecord } from '../store/jobs.ts'
import type { AgentRecord, Store } from '../store/types.ts'
import type { Clock } from './clock.ts'
import type { Directory } from './directory.ts'
import { NotFoundError } from './errors.ts'
import type { Publish } from './publisher.ts'

export const NOTIFY_JOB = 'notification.create'

/** What a cause decided, stored as the job's payload in the cause's own transaction. */
const NotifyPayload = z.object({
  type: NotificationType,
  agentIds: z.array(z.string()),
  conversationId: z.string(),
  messageId: z.string().nullable(),
  actorId: z.string().nullable(),
  /** One notification per agent and cause, however often the job runs. */
  cause: z.string(),
})
type NotifyPayload = z.infer<typeof NotifyPayload>

/** What a notification says, for whoever shows it outside the app (Web Push). */
export interface NotificationMessage {
  title: string
  body: string
  /** A path of the app: the conversation. */
  url: string
  /** The notification's id: the same notification shown twice replaces itself. */
  tag: string
}
export type NotificationListener = (notification: AgentNotification, message: NotificationMessage) => void | Promise<void>

/**
 * Agents' notifications (issue 12): mentioned in a note, given a conversation by someone else, a
 * customer message in a conversation assigned to them. Each cause decides its notifications before it
 * commits: a job in its own transaction (the Outbox), so a stored note can never lose them; the job
 * creates them once per agent and cause (a job run twice, a note POSTed twice, notify once). Each
 * reaches only its agent's devices, through the feed (an agent-only `notification` entry).
 */
export class NotificationService {
  private readonly listeners = new Set<NotificationListener>()

  constructor(
    private readonly store: Store,
    private readonly publish: Publish,
    private readonly clock: Clock,
    private readonly directory: Directory,
  ) {}

  /** Called for every notification created (not for one a retried cause finds already there). */
  onCreated(listener: NotificationListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  connect(outbox: Outbox, jobs: JobRunner): void {
    jobs.register(NOTIFY_JOB, { run: (job) => this.run(job), concurrency: 2 })
    outbox.decide('message.created', async ({ accountId, message }) => {
      if (message.kind === 'note') {
        const agentIds = (message.mentions ?? []).filter((id) => id !== message.authorAgentId)
        if (agentIds.length === 0) return []
        return this.job(accountId, `mention:${message.id}`, {
          type: 'mention', agentIds, conversationId: message.conversationId, messageId: message.id, actorId: message.authorAgentId ?? null,
        })
      }
      if (message.kind !== 'incoming') return []
      const assignee = (await this.store.conversations.getConversation(message.conversationId))?.row.assigneeId
      if (!assignee) return []
      return this.job(accountId, `customer_reply:${message.id}`, {
        type: 'customer_reply', agentIds: [assignee], conversationId: message.conversationId, messageId: message.id, actorId: null,
      })
    })
    outbox.decide('conversation.assignee_changed', ({ accountId, conversationId, to, by }) => {
      // Taking a conversation yourself is no news to you; nor is the server's own writing (the demo
      // seed hands out conversations by the dozen, the server's rules only ever clear an assignee).
      if (to === null || by === null || to === by || by === SYSTEM_AUTHOR) return []
      return this.job(accountId, `assigned:${this.clock.id()}`, {
        type: 'assigned', agentIds: [to], conversationId, messageId: null, actorId: by,
      })
    })
  }

  private job(accountId: string, cause: string, payload: Omit<NotifyPayload, 'cause'>) {
    return [{ kind: NOTIFY_JOB, accountId, dedupeKey: `${NOTIFY_JOB}:${cause}`, payload: { ...payload, cause } satisfies NotifyPayload }]
  }

  private async run(job: JobRecord): Promise<void> {
    const p = NotifyPayload.parse(job.payload)
    const conversation = (await this.store.conversations.getConversation(p.conversationId))?.row
    if (!conversation) return
    const directory = await this.directory.load(conversation.accountId)
    for (const agentId of new Set(p.agentIds)) {
      // A mention of someone not (or no longer) an active agent of the account reaches nobody.
      if (!directory.isActiveAgent(agentId)) continue
      const { notification, created, entries } = await this.store.notifications.create({
        id: this.clock.id(),
        accountId: conversation.accountId,
        agentId,
        cause: p.cause,
        type: p.type,
        conversationId: conversation.id,
        conversationNumber: conversation.number,
        actorId: p.actorId,
        messageId: p.messageId,
        createdAt: this.clock.now(),
      })
      this.publish(conversation.accountId, entries)
      if (created && this.listeners.size > 0) await this.tell(notification, conversation.contactId, (id) => directory.agent(id))
    }
  }

  private async tell(notification: AgentNotification, contactId: string, agent: (id: string) => string): Promise<void> {
    const [contact, message] = await Promise.all([
      this.store.contacts.getContact(contactId),
      notification.messageId ? this.store.conversations.getMessage(notification.messageId) : null,
    ])
    const text: NotificationMessage = {
      title: notificationTitle(notification, { agent, contact: contact?.name || 'a customer' }),
      body: message ? snippet(message.body) : '',
      url: notificationPath(notification),
      tag: notification.id,
    }
    for (const listener of this.listeners) {
      // A listener failing (a push service down) must not fail the job: the notification is stored.
      await Promise.resolve()
        .then(() => listener(notification, text))
        .catch((error: unknown) => console.error('notification listener failed', error))
    }
  }

  /** The agent's own notification only: another's is "not found", like one that does not exist. */
  async markRead(agent: AgentRecord, id: string): Promise<AgentNotification> {
    const existing = await this.store.notifications.get(id)
    if (!existing || existing.agentId !== agent.id) throw new NotFoundError('notification not found')
    const result = await this.store.notifications.markRead(id, this.clock.now())
    if (!result) throw new NotFoundError('notification not found')
    this.publish(agent.accountId, result.entries)
    return result.notification
  }

  async markAllRead(agent: AgentRecord): Promise<number> {
    const { notifications, entries } = await this.store.notifications.markAllRead(agent.id, this.clock.now())
    this.publish(agent.accountId, entries)
    return notifications.length
  }

  async list(agent: AgentRecord, limit = 100): Promise<AgentNotification[]> {
    return this.store.notifications.listForAgent(agent.id, limit)
  }
}
