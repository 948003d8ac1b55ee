import 'fake-indexeddb/auto'
import Dexie from 'dexie'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { FeedEntry } from '../../../../shared/schemas/feed.ts'
import { InboxDatabase, readMeta } from '../../../../client/db/database.ts'
import { applyFeedEntries } from '../../../../client/sync/apply-feed.ts'
import { ReadMarkSender, markRead, markUnread } from '../../../../client/sync/reads.ts'
import { countUnread } from '../../../../client/composables/useUnreadCounts.ts'
import { conversationEntry, conversationRecord, facts, freshDatabase, ids, newDoc } from '../fixtures.ts'

// Issue 12 on the device: read marks from the feed and from the agent, the rows' unread flag the
// list and the tabs read, and the requests that carry marks to the server.

const SERVER = 1
let db: InboxDatabase
beforeEach(() => {
  db = freshDatabase()
})
afterEach(async () => {
  vi.unstubAllGlobals()
  await db.delete()
})

const readEntry = (seq: number, conversationId: string, seenSeq: number) =>
  FeedEntry.parse({ seq, kind: 'read', read: { agentId: ids.alice, conversationId, seenSeq, at: 1_000 } })
const conversationWith = (seq: number, id: string, lastCustomerMessageSeq: number) =>
  conversationEntry(seq, facts(id, { lastCustomerMessageSeq, lastMessageSeq: lastCustomerMessageSeq, lastVisibleSeq: lastCustomerMessageSeq }), newDoc(SERVER))
const unreadOf = async (id: string) => (await db.conversations.get(id))?.unread

describe('read marks from the feed', () => {
  it('a customer message makes a row unread; the mark clears it; a newer message makes it unread again', async () => {
    const id = crypto.randomUUID()
    await applyFeedEntries(db, [conversationWith(5, id, 5)], 5)
    expect(await unreadOf(id)).toBe(1)
    await applyFeedEntries(db, [readEntry(6, id, 5)], 6)
    expect(await unreadOf(id)).toBe(0)
    await applyFeedEntries(db, [conversationWith(9, id, 9)], 9)
    expect(await unreadOf(id)).toBe(1)
  })

  it('a mark that arrives before its conversation (superseded entries reorder a catch-up) still applies', async () => {
    const id = crypto.randomUUID()
    await applyFeedEntries(db, [readEntry(3, id, 7)], 3)
    await applyFeedEntries(db, [conversationWith(8, id, 7)], 8)
    expect(await unreadOf(id)).toBe(0)
    // And in one page, whatever the order.
    const other = crypto.randomUUID()
    await applyFeedEntries(db, [readEntry(9, other, 4), conversationWith(10, other, 4)], 10)
    expect(await unreadOf(other)).toBe(0)
  })

  it('without a mark: unread while the customer waits, not once answered, never without customer messages', async () => {
    const [quiet, answered] = [crypto.randomUUID(), crypto.randomUUID()]
    await applyFeedEntries(db, [conversationWith(2, quiet, 0)], 2)
    expect(await unreadOf(quiet)).toBe(0)
    const facts6 = facts(answered, { lastCustomerMessageSeq: 5, lastMessageSeq: 6, lastVisibleSeq: 6 })
    await applyFeedEntries(db, [conversationEntry(6, facts6, newDoc(SERVER))], 6)
    expect(await unreadOf(answered)).toBe(0)
    // A mark from before the customer's message: it is unread to this agent, whoever answered.
    await applyFeedEntries(db, [readEntry(7, answered, 2)], 7)
    expect(await unreadOf(answered)).toBe(1)
  })
})

describe('reading on the device', () => {
  it('is stored at once, pending, and clears the row (offline: nothing is sent)', async () => {
    const id = crypto.randomUUID()
    await applyFeedEntries(db, [conversationWith(5, id, 5)], 5)
    await markRead(db, id, 5, 2_000)
    expect(await db.reads.get(id)).toMatchObject({ seenSeq: 5, pending: 1 })
    expect(await unreadOf(id)).toBe(0)
  })

  it('a mark from another device while this one is pending keeps the higher, still pending', async () => {
    const id = crypto.randomUUID()
    await applyFeedEntries(db, [conversationWith(9, id, 9)], 9)
    await markRead(db, id, 6, 2_000)
    await applyFeedEntries(db, [readEntry(10, id, 9)], 10)
    expect(await db.reads.get(id)).toMatchObject({ seenSeq: 9, pending: 1 })
    expect(await unreadOf(id)).toBe(0)
  })

  it('"Mark as unread" makes it unread again and survives an older mark from the feed', async () => {
    const id = crypto.randomUUID()
    await applyFeedEntries(db, [conversationWith(5, id, 5), readEntry(6, id, 5)], 6)
    await markUnread(db, id, 2_000)
    expect(await unreadOf(id)).toBe(1)
    await applyFeedEntries(db, [readEntry(7, id, 5)], 7)
    expect(await unreadOf(id)).toBe(1)
    expect(await db.reads.get(id)).toMatchObject({ seenSeq: 4, exact: true, pending: 1 })
  })
})

describe('sending marks', () => {
  const json = (status: number, body: unknown): Response =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

  it('sends one request per conversation with its newest mark, then settles it with the answer', async () => {
    const id = crypto.randomUUID()
    await applyFeedEntries(db, [conversationWith(9, id, 9)], 9)
    await markRead(db, id, 3, 1)
    await markRead(db, id, 9, 2)
    const calls: { url: string; body: unknown }[] = []
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      calls.push({ url, body: JSON.parse(String(init.body)) })
      return json(200, { read: { agentId: ids.alice, conversationId: id, seenSeq: 9, at: 5 } })
    })
    await new ReadMarkSender(db).flush()
    expect(calls).toEqual([{ url: `/api/conversations/${id}/read`, body: { seenSeq: 9 } }])
    expect(await db.reads.get(id)).toMatchObject({ seenSeq: 9, pending: 0 })
  })

  it('an unread is sent as one; unreachable, the mark stays pending; refused, it stops being pending', async () => {
    const id = crypto.randomUUID()
    await applyFeedEntries(db, [conversationWith(9, id, 9)], 9)
    await markUnread(db, id, 1)
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('fetch failed')
    })
    await expect(new ReadMarkSender(db).flush()).rejects.toThrow()
    expect(await db.reads.get(id)).toMatchObject({ pending: 1 })
    const bodies: unknown[] = []
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
      bodies.push(JSON.parse(String(init.body)))
      return json(404, { error: 'conversation not found' })
    })
    await new ReadMarkSender(db).flush()
    expect(bodies).toEqual([{ seenSeq: 8, unread: true }])
    expect(await db.reads.get(id)).toMatchObject({ seenSeq: 8, pending: 0 })
  })
})

describe('unread counts per tab', () => {
  const NOW = 1_000_000
  const me = ids.alice
  const other = '5b0c7a4e-1f2d-4c3b-8a9e-000000000003'
  beforeEach(async () => {
    const row = (n: number, over: Parameters<typeof conversationRecord>[0]) =>
      conversationRecord({ ...over, id: `00000000-0000-4000-8000-00000000000${n}` })
    await db.conversations.bulkPut([
      row(1, { id: '', status: 'open', lastActivityAt: 1, lastCustomerMessageSeq: 4, assigneeId: me }),
      row(2, { id: '', status: 'open', lastActivityAt: 2, lastCustomerMessageSeq: 4, assigneeId: null, inboxId: other }),
      row(3, { id: '', status: 'open', lastActivityAt: 3, lastCustomerMessageSeq: 0 }),
      row(4, { id: '', status: 'snoozed', lastActivityAt: 4, lastCustomerMessageSeq: 2, snoozedUntil: NOW - 1 }),
      row(5, { id: '', status: 'snoozed', lastActivityAt: 5, lastCustomerMessageSeq: 2, snoozedUntil: NOW + 1 }),
      row(6, { id: '', status: 'resolved', lastActivityAt: 6, lastCustomerMessageSeq: 2 }),
    ])
    // Read: the resolved one.
    await markRead(db, '00000000-0000-4000-8000-000000000006', 2, 1)
  })
  const count = (status: 'open' | 'snoozed' | 'resolved', filter: 'all' | 'mine' | 'unassigned' = 'all', inbox: string | null = null) =>
    countUnread(db, { filter, status, me, now: NOW, inbox })

  it('counts the unread rows of each tab, a due snooze under Open', async () => {
    expect(await count('open')).toBe(3)
    expect(await count('snoozed')).toBe(1)
    expect(await count('resolved')).toBe(0)
  })

  it('follows the assignment filter and the inbox', async () => {
    expect(await count('open', 'mine')).toBe(1)
    expect(await count('open', 'unassigned')).toBe(2)
    expect(await count('open', 'all', other)).toBe(1)
    expect(await count('open', 'all', ids.inbox)).toBe(2)
  })
})

describe('the device database from before read marks', () => {
  it('flags stored rows with customer messages unread, and reads the feed again for the marks', async () => {
    const name = `test-upgrade-${crypto.randomUUID()}`
    const old = new Dexie(name)
    old.version(6).stores({
      conversations:
        'id, [status+lastActivityAt], [assignee+status+lastActivityAt], [status+snoozedUntil], contactId, *labels, [status+priority+lastActivityAt], [assignee+status+priority+lastActivityAt], [status+waitingSeq+lastActivityAt], [assignee+status+waitingSeq+lastActivityAt]',
      messages: 'id, [conversationId+seq]',
      contacts: 'id, email',
      docs: 'id, dirty',
      outbox: 'id, conversationId, createdAt, state',
      meta: 'key',
      writes: '[conversationId+field], conversationId',
      notices: '++id, conversationId',
      presence: 'conversationId',
      canned: 'id, shortCode',
      uploads: 'id, outboxId',
      searchIndex: 'id',
      searchPending: '++key, conversationId',
    })
    const { unread: _a, ...written } = conversationRecord({ id: crypto.randomUUID(), status: 'open', lastActivityAt: 1, lastCustomerMessageSeq: 3 })
    const { unread: _b, ...quiet } = conversationRecord({ id: crypto.randomUUID(), status: 'open', lastActivityAt: 2 })
    await old.table('conversations').bulkPut([written, quiet])
    await old.table('meta').bulkPut([{ key: 'feedKinds', value: ['conversation', 'read'] }, { key: 'cursor', value: 40 }])
    old.close()
    const upgraded = new InboxDatabase(name)
    try {
      expect((await upgraded.conversations.get(written.id))!.unread).toBe(1)
      expect((await upgraded.conversations.get(quiet.id))!.unread).toBe(0)
      expect(await readMeta(upgraded, 'feedKinds')).toEqual([])
    } finally {
      await upgraded.delete()
    }
  })
})
