import type { AgentNotification } from '../../../shared/schemas/notifications.ts'
import type { FeedEntry } from '../../../shared/schemas/feed.ts'
import {
  type NewNotification,
  type NotificationColumns,
  type NotificationStore,
  type NotificationWrite,
  notificationEntry,
  toNotification,
} from '../notifications.ts'
import type { FeedAppender, StatementCache } from './feed-append.ts'

const COLUMNS = 'id, account_id, agent_id, type, conversation_id, conversation_number, actor_id, message_id, created_at, read_at'

export class SqliteNotificationStore implements NotificationStore {
  constructor(
    private readonly statements: StatementCache,
    private readonly feed: FeedAppender,
  ) {}

  private append(accountId: string, n: AgentNotification): FeedEntry {
    return this.feed.append(accountId, n.id, notificationEntry(this.feed.nextSeq(accountId), n))
  }

  async create(n: NewNotification): Promise<NotificationWrite> {
    return this.statements.db.transaction((): NotificationWrite => {
      const inserted = this.statements
        .sql(
          `INSERT INTO notifications (${COLUMNS}, cause) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)
           ON CONFLICT (agent_id, cause) DO NOTHING`,
        )
        .run(n.id, n.accountId, n.agentId, n.type, n.conversationId, n.conversationNumber, n.actorId, n.messageId, n.createdAt, n.cause)
      if (inserted.changes === 0) {
        const first = this.statements.sql(`SELECT ${COLUMNS} FROM notifications WHERE agent_id = ? AND cause = ?`).get(n.agentId, n.cause) as NotificationColumns
        return { notification: toNotification(first), created: false, entries: [] }
      }
      const notification = this.row(n.id)!
      return { notification, created: true, entries: [this.append(n.accountId, notification)] }
    })()
  }

  async get(id: string): Promise<AgentNotification | null> {
    return this.row(id)
  }

  async markRead(id: string, at: number) {
    return this.statements.db.transaction(() => {
      const current = this.row(id)
      if (!current) return null
      if (current.readAt !== null) return { notification: current, entries: [] }
      this.statements.sql('UPDATE notifications SET read_at = ? WHERE id = ?').run(at, id)
      const notification = { ...current, readAt: at }
      return { notification, entries: [this.append(this.accountOf(id), notification)] }
    })()
  }

  async markAllRead(agentId: string, at: number) {
    return this.statements.db.transaction(() => {
      const unread = this.statements.sql(`SELECT ${COLUMNS} FROM notifications WHERE agent_id = ? AND read_at IS NULL ORDER BY created_at`).all(agentId) as NotificationColumns[]
      const mark = this.statements.sql('UPDATE notifications SET read_at = ? WHERE id = ?')
      const notifications: AgentNotification[] = []
      const entries: FeedEntry[] = []
      for (const r of unread) {
        mark.run(at, r.id)
        const notification = { ...toNotification(r), readAt: at }
        notifications.push(notification)
        entries.push(this.append(r.account_id, notification))
      }
      return { notifications, entries }
    })()
  }

  async listForAgent(agentId: string, limit: number): Promise<AgentNotification[]> {
    const rows = this.statements.sql(`SELECT ${COLUMNS} FROM notifications WHERE agent_id = ? ORDER BY created_at DESC, id LIMIT ?`).all(agentId, limit) as NotificationColumns[]
    return rows.map(toNotification)
  }

  private row(id: string): AgentNotification | null {
    const r = this.statements.sql(`SELECT ${COLUMNS} FROM notifications WHERE id = ?`).get(id) as NotificationColumns | undefined
    return r ? toNotification(r) : null
  }

  private accountOf(id: string): string {
    return (this.statements.sql('SELECT account_id FROM notifications WHERE id = ?').get(id) as { account_id: string }).account_id
  }
}
