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
import { appendFeed } from './feed-append.ts'
import type { PgDb, Sql } from './pg-db.ts'

const COLUMNS = 'id, account_id, agent_id, type, conversation_id, conversation_number, actor_id, message_id, created_at, read_at'

const append = (sql: Sql, accountId: string, n: AgentNotification): Promise<FeedEntry> =>
  appendFeed(sql, accountId, n.id, (seq) => notificationEntry(seq, n))

export class PgNotificationStore implements NotificationStore {
  constructor(private readonly db: PgDb) {}

  async create(n: NewNotification): Promise<NotificationWrite> {
    return this.db.tx(async (sql) => {
      // Two runs of one cause at once: the unique (agent_id, cause) lets one insert; the other reads it.
      const inserted = await sql.row<NotificationColumns>(
        `INSERT INTO notifications (${COLUMNS}, cause) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, $10)
         ON CONFLICT (agent_id, cause) DO NOTHING RETURNING ${COLUMNS}`,
        [n.id, n.accountId, n.agentId, n.type, n.conversationId, n.conversationNumber, n.actorId, n.messageId, n.createdAt, n.cause],
      )
      if (!inserted) {
        const first = await sql.row<NotificationColumns>(`SELECT ${COLUMNS} FROM notifications WHERE agent_id = $1 AND cause = $2`, [n.agentId, n.cause])
        return { notification: toNotification(first!), created: false, entries: [] }
      }
      const notification = toNotification(inserted)
      return { notification, created: true, entries: [await append(sql, n.accountId, notification)] }
    })
  }

  async get(id: string): Promise<AgentNotification | null> {
    const r = await this.db.row<NotificationColumns>(`SELECT ${COLUMNS} FROM notifications WHERE id = $1`, [id])
    return r ? toNotification(r) : null
  }

  async markRead(id: string, at: number) {
    return this.db.tx(async (sql) => {
      const r = await sql.row<NotificationColumns>(`SELECT ${COLUMNS} FROM notifications WHERE id = $1 FOR UPDATE`, [id])
      if (!r) return null
      if (r.read_at !== null) return { notification: toNotification(r), entries: [] }
      await sql.run('UPDATE notifications SET read_at = $1 WHERE id = $2', [at, id])
      const notification = { ...toNotification(r), readAt: at }
      return { notification, entries: [await append(sql, r.account_id, notification)] }
    })
  }

  async markAllRead(agentId: string, at: number) {
    return this.db.tx(async (sql) => {
      const unread = await sql.rows<NotificationColumns>(
        `SELECT ${COLUMNS} FROM notifications WHERE agent_id = $1 AND read_at IS NULL ORDER BY created_at FOR UPDATE`,
        [agentId],
      )
      const notifications: AgentNotification[] = []
      const entries: FeedEntry[] = []
      for (const r of unread) {
        await sql.run('UPDATE notifications SET read_at = $1 WHERE id = $2', [at, r.id])
        const notification = { ...toNotification(r), readAt: at }
        notifications.push(notification)
        entries.push(await append(sql, r.account_id, notification))
      }
      return { notifications, entries }
    })
  }

  async listForAgent(agentId: string, limit: number): Promise<AgentNotification[]> {
    const rows = await this.db.rows<NotificationColumns>(
      `SELECT ${COLUMNS} FROM notifications WHERE agent_id = $1 ORDER BY created_at DESC, id LIMIT $2`,
      [agentId, limit],
    )
    return rows.map(toNotification)
  }
}
