import type { AgentNotification } from '../../shared/schemas/notifications.ts'
import type { NotificationResult } from '../../shared/schemas/notification-api.ts'
import { ApiError, api } from '../api/http.ts'
import type { InboxDatabase } from '../db/database.ts'

// The agent's notifications on the device (issue 12): they arrive by the feed (so a device that was
// offline gets them on reconnect, once: one entry per notification, superseded when read). Reading one
// here is stored at once, offline too (`pending`), and sent by the leader tab.

/** A notification as stored: `pending` (0/1, indexed) marks a read the server has not heard of yet. */
export interface NotificationRecord extends AgentNotification {
  pending: 0 | 1
}

/** Notifications from the feed; runs inside applyFeedEntries' transaction (which includes the table).
 *  A read done on this device and not yet sent stays read, whatever older state the feed brings. */
export async function applyNotifications(db: InboxDatabase, notifications: AgentNotification[]): Promise<void> {
  if (notifications.length === 0) return
  const latest = new Map(notifications.map((n) => [n.id, n]))
  const existing = await db.notifications.bulkGet([...latest.keys()])
  const records = [...latest.values()].map((n, i): NotificationRecord => {
    const local = existing[i]
    if (local?.pending && n.readAt === null) return { ...n, readAt: local.readAt, pending: 1 }
    return { ...n, pending: 0 }
  })
  await db.notifications.bulkPut(records)
}

/** Marks notifications read on the device; the leader sends them. */
export async function markNotificationsRead(db: InboxDatabase, ids: string[], now: number): Promise<void> {
  if (ids.length === 0) return
  await db.transaction('rw', db.notifications, async () => {
    const unread = (await db.notifications.bulkGet(ids)).filter((n): n is NotificationRecord => !!n && n.readAt === null)
    await db.notifications.bulkPut(unread.map((n) => ({ ...n, readAt: now, pending: 1 as const })))
  })
}

/** Every unread notification of a conversation (opening it reads them). */
export async function markConversationNotificationsRead(db: InboxDatabase, conversationId: string, now: number): Promise<void> {
  const ids = await db.notifications
    .where('conversationId')
    .equals(conversationId)
    .filter((n) => n.readAt === null)
    .primaryKeys()
  await markNotificationsRead(db, ids, now)
}

export async function markAllNotificationsRead(db: InboxDatabase, now: number): Promise<void> {
  const ids = await db.notifications.filter((n) => n.readAt === null).primaryKeys()
  await markNotificationsRead(db, ids, now)
}

/** A 4xx that retrying cannot fix (not the agent's, or gone). */
const isRefusal = (status: number): boolean => status >= 400 && status < 500 && ![401, 408, 429].includes(status)

/** Sends the pending reads, one request each (idempotent on the server: a repeat changes nothing). */
export class NotificationReadSender {
  private running: Promise<void> | null = null
  private again = false

  constructor(private readonly db: InboxDatabase) {}

  flush(): Promise<void> {
    if (this.running) {
      this.again = true
      return this.running
    }
    this.running = (async () => {
      try {
        do {
          this.again = false
          for (const record of await this.db.notifications.where('pending').equals(1).toArray()) await this.send(record)
        } while (this.again)
      } finally {
        this.running = null
      }
    })()
    return this.running
  }

  private async send(record: NotificationRecord): Promise<void> {
    try {
      const { notification } = await api<NotificationResult>(`/api/notifications/${record.id}/read`, { method: 'POST' })
      await this.db.notifications.put({ ...notification, pending: 0 })
    } catch (error) {
      // Refused: nothing to send any more; the feed has (or will have) the server's version.
      if (error instanceof ApiError && isRefusal(error.status)) await this.db.notifications.update(record.id, { pending: 0 })
      else throw error
    }
  }
}
