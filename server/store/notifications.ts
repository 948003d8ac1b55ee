import type { FeedEntry } from '../../shared/schemas/feed.ts'
import type { AgentNotification } from '../../shared/schemas/notifications.ts'

// Each agent's notifications (issue 12). Every change appends a `notification` entry for that agent
// alone (shared/feed-audience.ts) in the same transaction; it supersedes the notification's older
// entry (entity id: the notification id), so marking it read rewrites it.

export interface NewNotification extends Omit<AgentNotification, 'readAt'> {
  accountId: string
  /** What caused it ("mention:<message id>", …): one notification per agent and cause, ever, so a
   *  retried cause (a job run twice, a POST repeated) never notifies twice. */
  cause: string
}

export interface NotificationWrite {
  /** The stored notification (the first one, when the cause had notified this agent already). */
  notification: AgentNotification
  created: boolean
  entries: FeedEntry[]
}

export interface NotificationStore {
  /** Idempotent on (agentId, cause). */
  create(notification: NewNotification): Promise<NotificationWrite>
  get(id: string): Promise<AgentNotification | null>
  /** Sets readAt if unset; `entries` is empty when it was read already. */
  markRead(id: string, at: number): Promise<{ notification: AgentNotification; entries: FeedEntry[] } | null>
  /** Marks every unread notification of the agent read. */
  markAllRead(agentId: string, at: number): Promise<{ notifications: AgentNotification[]; entries: FeedEntry[] }>
  /** The agent's newest notifications first. */
  listForAgent(agentId: string, limit: number): Promise<AgentNotification[]>
}

export interface NotificationColumns {
  id: string
  account_id: string
  agent_id: string
  type: string
  conversation_id: string
  conversation_number: number
  actor_id: string | null
  message_id: string | null
  created_at: number
  read_at: number | null
}

export const toNotification = (r: NotificationColumns): AgentNotification => ({
  id: r.id,
  agentId: r.agent_id,
  type: r.type as AgentNotification['type'],
  conversationId: r.conversation_id,
  conversationNumber: r.conversation_number,
  actorId: r.actor_id,
  messageId: r.message_id,
  createdAt: r.created_at,
  readAt: r.read_at,
})

export const notificationEntry = (seq: number, notification: AgentNotification): FeedEntry => ({ seq, kind: 'notification', notification })
