import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Status } from '../../../../shared/conversation-doc.ts'
import type { InboxDatabase } from '../../../../client/db/database.ts'
import {
  type ListFilter,
  type ListQuery,
  STATUS_TABS,
  countConversations,
  listConversations,
} from '../../../../client/composables/useConversationList.ts'
import { conversationRecord, freshDatabase, ids } from '../fixtures.ts'

const NOW = 1_000_000
const me = ids.alice

// One inbox, stored afresh for every test. Names say status, owner and, for snoozes,
// whether their time has come at NOW; lastActivityAt sets the expected order.
const rows = {
  openMine: conversationRecord({ id: '00000000-0000-4000-8000-000000000001', status: 'open', assigneeId: me, lastActivityAt: 100 }),
  openNobody: conversationRecord({ id: '00000000-0000-4000-8000-000000000002', status: 'open', assigneeId: null, lastActivityAt: 300 }),
  openBob: conversationRecord({ id: '00000000-0000-4000-8000-000000000003', status: 'open', assigneeId: ids.bob, lastActivityAt: 200 }),
  pendingMine: conversationRecord({ id: '00000000-0000-4000-8000-000000000004', status: 'pending', assigneeId: me, lastActivityAt: 150 }),
  dueMine: conversationRecord({ id: '00000000-0000-4000-8000-000000000005', status: 'snoozed', snoozedUntil: NOW - 1, assigneeId: me, lastActivityAt: 250 }),
  laterNobody: conversationRecord({ id: '00000000-0000-4000-8000-000000000006', status: 'snoozed', snoozedUntil: NOW + 1, assigneeId: null, lastActivityAt: 50 }),
  resolvedNobody: conversationRecord({ id: '00000000-0000-4000-8000-000000000007', status: 'resolved', assigneeId: null, lastActivityAt: 400 }),
  // A snooze without a time never comes due.
  indefiniteMine: conversationRecord({ id: '00000000-0000-4000-8000-000000000008', status: 'snoozed', snoozedUntil: null, assigneeId: me, lastActivityAt: 60 }),
  // Due at exactly NOW: its time has come.
  dueNowBob: conversationRecord({ id: '00000000-0000-4000-8000-000000000009', status: 'snoozed', snoozedUntil: NOW, assigneeId: ids.bob, lastActivityAt: 120 }),
  resolvedMine: conversationRecord({ id: '00000000-0000-4000-8000-00000000000a', status: 'resolved', assigneeId: me, lastActivityAt: 10 }),
}
type Name = keyof typeof rows

let db: InboxDatabase
beforeEach(async () => {
  db = freshDatabase()
  await db.conversations.bulkPut(Object.values(rows))
})
afterEach(async () => {
  await db.delete()
})

const query = (filter: ListFilter, status: Status, now = NOW): ListQuery => ({ filter, status, me, now })

async function list(filter: ListFilter, status: Status, limit = 100, now = NOW): Promise<Name[]> {
  const found = await listConversations(db, query(filter, status, now), limit)
  const names = Object.fromEntries(Object.entries(rows).map(([name, row]) => [row.id, name as Name]))
  return found.map((row) => names[row.id]!)
}

describe('listConversations', () => {
  it('lists every open conversation for "all", due snoozes included, newest activity first', async () => {
    expect(await list('all', 'open')).toEqual(['openNobody', 'dueMine', 'openBob', 'dueNowBob', 'openMine'])
  })

  it('lists only my conversations for "mine", my due snooze included', async () => {
    expect(await list('mine', 'open')).toEqual(['dueMine', 'openMine'])
  })

  it('lists only conversations assigned to nobody for "unassigned"', async () => {
    expect(await list('unassigned', 'open')).toEqual(['openNobody'])
    expect(await list('unassigned', 'resolved')).toEqual(['resolvedNobody'])
  })

  it('keeps snoozes whose time has not come, and timeless ones, under Snoozed, and due ones out', async () => {
    expect(await list('all', 'snoozed')).toEqual(['indefiniteMine', 'laterNobody'])
    expect(await list('mine', 'snoozed')).toEqual(['indefiniteMine'])
    expect(await list('unassigned', 'snoozed')).toEqual(['laterNobody'])
  })

  it('moves a snooze from Snoozed to Open when its time comes', async () => {
    // laterNobody is snoozed until NOW + 1.
    expect(await list('unassigned', 'open', 100, NOW)).toEqual(['openNobody'])
    expect(await list('unassigned', 'snoozed', 100, NOW)).toEqual(['laterNobody'])
    expect(await list('unassigned', 'open', 100, NOW + 1)).toEqual(['openNobody', 'laterNobody'])
    expect(await list('unassigned', 'snoozed', 100, NOW + 1)).toEqual([])
    expect(await countConversations(db, query('unassigned', 'open', NOW + 1))).toBe(2)
  })

  it('lists Pending and Resolved by status alone', async () => {
    expect(await list('all', 'pending')).toEqual(['pendingMine'])
    expect(await list('mine', 'resolved')).toEqual(['resolvedMine'])
    expect(await list('all', 'resolved')).toEqual(['resolvedNobody', 'resolvedMine'])
  })

  it('returns at most `limit` rows, the newest, a due snooze competing with the open ones', async () => {
    expect(await list('all', 'open', 2)).toEqual(['openNobody', 'dueMine'])
    expect(await list('all', 'open', 4)).toEqual(['openNobody', 'dueMine', 'openBob', 'dueNowBob'])
    expect(await list('all', 'snoozed', 1)).toEqual(['indefiniteMine'])
    expect(await list('mine', 'open', 1)).toEqual(['dueMine'])
  })

  it("never shows a colleague's conversation under mine", async () => {
    for (const status of STATUS_TABS) {
      const found = await listConversations(db, query('mine', status), 100)
      expect(found.every((row) => row.assigneeId === me && row.assignee === me)).toBe(true)
    }
  })
})

describe('countConversations', () => {
  it('counts the tabs of each filter', async () => {
    const counts = async (filter: ListFilter) =>
      Object.fromEntries(await Promise.all(STATUS_TABS.map(async (s) => [s, await countConversations(db, query(filter, s))])))
    expect(await counts('all')).toEqual({ open: 5, pending: 1, snoozed: 2, resolved: 2 })
    expect(await counts('mine')).toEqual({ open: 2, pending: 1, snoozed: 1, resolved: 1 })
    expect(await counts('unassigned')).toEqual({ open: 1, pending: 0, snoozed: 1, resolved: 1 })
  })

  it('agrees with the list for every filter and tab', async () => {
    for (const filter of ['mine', 'unassigned', 'all'] as const) {
      for (const status of STATUS_TABS) {
        const listed = await listConversations(db, query(filter, status), 1_000)
        expect(await countConversations(db, query(filter, status)), `${filter}/${status}`).toBe(listed.length)
      }
    }
  })

  it('counts every conversation exactly once across the tabs of "all"', async () => {
    const counts = await Promise.all(STATUS_TABS.map((s) => countConversations(db, query('all', s))))
    expect(counts.reduce((a, b) => a + b, 0)).toBe(Object.keys(rows).length)
  })
})

describe('the inbox filter', () => {
  const otherInbox = '5b0c7a4e-1f2d-4c3b-8a9e-0000000000d0'
  const elsewhere = {
    openNobody: conversationRecord({ id: '00000000-0000-4000-8000-0000000000e1', inboxId: otherInbox, status: 'open', assigneeId: null, lastActivityAt: 500 }),
    dueMine: conversationRecord({ id: '00000000-0000-4000-8000-0000000000e2', inboxId: otherInbox, status: 'snoozed', snoozedUntil: NOW - 5, assigneeId: me, lastActivityAt: 450 }),
  }
  beforeEach(async () => {
    await db.conversations.bulkPut(Object.values(elsewhere))
  })
  const ids = async (q: ListQuery) => (await listConversations(db, q, 100)).map((r) => r.id)

  it('lists only the chosen inbox, due snoozes included, and counts the same', async () => {
    const q = { ...query('all', 'open'), inbox: otherInbox }
    expect(await ids(q)).toEqual([elsewhere.openNobody.id, elsewhere.dueMine.id])
    expect(await countConversations(db, q)).toBe(2)
    expect(await ids({ ...query('mine', 'open'), inbox: otherInbox })).toEqual([elsewhere.dueMine.id])
  })

  it('leaves the other inbox out when the first one is chosen, and lists both without a choice', async () => {
    const first = await ids({ ...query('all', 'open'), inbox: rows.openMine.inboxId })
    expect(first).not.toContain(elsewhere.openNobody.id)
    expect(first).toHaveLength(5)
    expect(await ids({ ...query('all', 'open'), inbox: null })).toHaveLength(7)
    expect(await countConversations(db, { ...query('all', 'open'), inbox: rows.openMine.inboxId })).toBe(5)
  })
})
