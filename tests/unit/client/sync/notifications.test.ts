import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AgentNotification } from '../../../../shared/schemas/notifications.ts'
import type { InboxDatabase } from '../../../../client/db/database.ts'
import { applyFeedEntries } from '../../../../client/sync/apply-feed.ts'
import { markAllNotificationsRead, markConversationNotificationsRead } from '../../../../client/sync/notifications.ts'
import { freshDatabase, ids } from '../fixtures.ts'

// Notifications on the device: applied from the feed, read here at once (offline too) and kept read
// until the server's own read arrives, whatever older state the feed still brings meanwhile.

let db: InboxDatabase
beforeEach(() => {
  db = freshDatabase()
})
afterEach(async () => {
  await db.delete()
})

const conversationId = crypto.randomUUID()
const notification = (fields: Partial<AgentNotification> = {}): AgentNotification => ({
  id: crypto.randomUUID(),
  agentId: ids.bob,
  type: 'mention',
  conversationId,
  conversationNumber: 42,
  actorId: ids.alice,
  messageId: crypto.randomUUID(),
  createdAt: 1_000,
  readAt: null,
  ...fields,
})
let seq = 0
const apply = (...ns: AgentNotification[]) => applyFeedEntries(db, ns.map((n) => ({ seq: ++seq, kind: 'notification' as const, notification: n })), seq)

describe('notifications on the device', () => {
  it('are stored from the feed; the newest entry of one wins', async () => {
    const n = notification()
    await apply(n, { ...n, readAt: 2_000 })
    expect(await db.notifications.get(n.id)).toEqual({ ...n, readAt: 2_000, pending: 0 })
  })

  it('opening the conversation reads its notifications at once, kept read (pending) until the server has it', async () => {
    const mine = notification()
    const elsewhere = notification({ conversationId: crypto.randomUUID() })
    await apply(mine, elsewhere)
    await markConversationNotificationsRead(db, conversationId, 3_000)
    expect(await db.notifications.get(mine.id)).toMatchObject({ readAt: 3_000, pending: 1 })
    expect(await db.notifications.get(elsewhere.id)).toMatchObject({ readAt: null, pending: 0 })
    // A catch-up page still carrying the unread version does not make it unread again.
    await apply(mine)
    expect(await db.notifications.get(mine.id)).toMatchObject({ readAt: 3_000, pending: 1 })
    // The server's read arrives: it is the server's from now on.
    await apply({ ...mine, readAt: 3_100 })
    expect(await db.notifications.get(mine.id)).toMatchObject({ readAt: 3_100, pending: 0 })
    expect(await db.notifications.where('pending').equals(1).count()).toBe(0)
  })

  it('"Mark all as read" reads every unread one and leaves read ones as they were', async () => {
    const read = notification({ readAt: 500 })
    await apply(notification(), notification(), read)
    await markAllNotificationsRead(db, 4_000)
    const all = await db.notifications.toArray()
    expect(all.filter((n) => n.readAt === null)).toEqual([])
    expect(all.filter((n) => n.pending === 1)).toHaveLength(2)
    expect(await db.notifications.get(read.id)).toMatchObject({ readAt: 500, pending: 0 })
  })
})
