import 'fake-indexeddb/auto'
import Dexie from 'dexie'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { InboxDatabase } from '../../../../client/db/database.ts'
import { type ListQuery, listConversations } from '../../../../client/composables/useConversationList.ts'
import { type ListSort, compareRows, isWaiting } from '../../../../client/lib/conversation-sort.ts'
import type { ConversationRecord } from '../../../../client/db/records.ts'
import { conversationRecord, freshDatabase, ids } from '../fixtures.ts'

const NOW = 1_000_000
const me = ids.alice
const id = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`

// Open conversations unless said otherwise. Waiting: the customer's message is the newest one they
// can see (lastCustomerMessageSeq >= lastVisibleSeq); answered: a reply came after it.
const rows = {
  // The customer wrote at seq 40 and nobody answered; a note later moved lastActivityAt on.
  waitingSince40: conversationRecord({ id: id(1), status: 'open', lastActivityAt: 900, lastCustomerMessageSeq: 40, lastVisibleSeq: 40, lastMessageSeq: 45 }),
  waitingSince10: conversationRecord({ id: id(2), status: 'open', lastActivityAt: 100, lastCustomerMessageSeq: 10, lastVisibleSeq: 10, lastMessageSeq: 10, priority: 'low' }),
  answered: conversationRecord({ id: id(3), status: 'open', lastActivityAt: 950, lastCustomerMessageSeq: 20, lastVisibleSeq: 30, lastMessageSeq: 30, priority: 'urgent' }),
  noMessages: conversationRecord({ id: id(4), status: 'open', lastActivityAt: 500, priority: 'high', assigneeId: me }),
  urgentOld: conversationRecord({ id: id(5), status: 'open', lastActivityAt: 50, lastCustomerMessageSeq: 5, lastVisibleSeq: 6, lastMessageSeq: 6, priority: 'urgent', assigneeId: me }),
  // A due snooze shows under Open and competes in every order.
  dueWaiting: conversationRecord({ id: id(6), status: 'snoozed', snoozedUntil: NOW - 1, lastActivityAt: 300, lastCustomerMessageSeq: 25, lastVisibleSeq: 25, lastMessageSeq: 25, priority: 'medium' }),
  laterUrgent: conversationRecord({ id: id(7), status: 'snoozed', snoozedUntil: NOW + 1, lastActivityAt: 10, priority: 'urgent' }),
  snoozedHigh: conversationRecord({ id: id(8), status: 'snoozed', snoozedUntil: null, lastActivityAt: 20, priority: 'high' }),
}
type Name = keyof typeof rows
const names = new Map(Object.entries(rows).map(([name, row]) => [row.id, name as Name]))

let db: InboxDatabase
beforeEach(async () => {
  db = freshDatabase()
  await db.conversations.bulkPut(Object.values(rows))
})
afterEach(async () => {
  await db.delete()
})

async function list(sort: ListSort, over: Partial<ListQuery> = {}, limit = 100): Promise<Name[]> {
  const found = await listConversations(db, { filter: 'all', status: 'open', me, now: NOW, sort, ...over }, limit)
  return found.map((row) => names.get(row.id)!)
}

describe('isWaiting', () => {
  it('is true only when the newest customer-visible message is the customer’s', () => {
    expect(isWaiting(rows.waitingSince40)).toBe(true)
    expect(isWaiting(rows.answered)).toBe(false)
    expect(isWaiting(rows.noMessages)).toBe(false)
  })

  it('is stored on the row as waitingSeq, the index the sort reads', () => {
    expect(rows.waitingSince40.waitingSeq).toBe(40)
    expect(rows.answered.waitingSeq).toBe(0)
    expect(rows.noMessages.waitingSeq).toBe(0)
  })

  it('is computed for the rows a device stored before it existed, when the database opens', async () => {
    const name = `test-upgrade-${crypto.randomUUID()}`
    // The device's database as version 5 left it: rows without waitingSeq.
    const old = new Dexie(name)
    old.version(5).stores({
      conversations:
        'id, [status+lastActivityAt], [assignee+status+lastActivityAt], [status+snoozedUntil], contactId, *labels, [status+priority+lastActivityAt], [assignee+status+priority+lastActivityAt]',
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
    const { waitingSeq: _a, ...waiting } = rows.waitingSince10
    const { waitingSeq: _b, ...answered } = rows.answered
    await old.table('conversations').bulkPut([waiting, answered])
    old.close()
    const upgraded = new InboxDatabase(name)
    try {
      expect((await upgraded.conversations.get(waiting.id))!.waitingSeq).toBe(10)
      expect((await upgraded.conversations.get(answered.id))!.waitingSeq).toBe(0)
      const found = await listConversations(upgraded, { filter: 'all', status: 'open', me, now: NOW, sort: 'waiting' }, 10)
      expect(found.map((r) => r.id)).toEqual([waiting.id, answered.id])
    } finally {
      await upgraded.delete()
    }
  })
})

describe('the list’s sort orders', () => {
  it('Newest activity is the order of lastActivityAt, due snoozes included', async () => {
    expect(await list('newest')).toEqual(['answered', 'waitingSince40', 'noMessages', 'dueWaiting', 'waitingSince10', 'urgentOld'])
  })

  it('Oldest waiting first puts waiting customers first, the earliest message first, then the rest by newest activity', async () => {
    expect(await list('waiting')).toEqual(['waitingSince10', 'dueWaiting', 'waitingSince40', 'answered', 'noMessages', 'urgentOld'])
  })

  it('Priority puts Urgent first, newest activity first within a priority, None last', async () => {
    expect(await list('priority')).toEqual(['answered', 'urgentOld', 'noMessages', 'dueWaiting', 'waitingSince10', 'waitingSince40'])
  })

  it('keeps the order with a limit: the first rows are the same as the first of the full list', async () => {
    for (const sort of ['newest', 'waiting', 'priority'] as const) {
      const all = await list(sort)
      for (const limit of [1, 2, 3, 5]) expect(await list(sort, {}, limit), `${sort} limit ${limit}`).toEqual(all.slice(0, limit))
    }
  })

  it('applies the filter and the Snoozed tab in every order', async () => {
    expect(await list('priority', { filter: 'mine' })).toEqual(['urgentOld', 'noMessages'])
    expect(await list('waiting', { filter: 'mine' })).toEqual(['noMessages', 'urgentOld'])
    expect(await list('priority', { status: 'snoozed' })).toEqual(['laterUrgent', 'snoozedHigh'])
    expect(await list('waiting', { status: 'snoozed' })).toEqual(['snoozedHigh', 'laterUrgent'])
  })

  it('agrees with an in-memory sort of the same rows for many random rows', async () => {
    const random: ConversationRecord[] = []
    const priorities = ['none', 'low', 'medium', 'high', 'urgent'] as const
    for (let n = 100; n < 400; n++) {
      const customer = (n * 7919) % 50
      random.push(
        conversationRecord({
          id: id(n),
          status: 'open',
          lastActivityAt: (n * 104729) % 1000,
          priority: priorities[n % 5]!,
          lastCustomerMessageSeq: customer,
          lastVisibleSeq: customer + (n % 3 === 0 ? 1 : 0),
          lastMessageSeq: customer + 1,
        }),
      )
    }
    await db.conversations.clear()
    await db.conversations.bulkPut(random)
    for (const sort of ['newest', 'waiting', 'priority'] as const) {
      const expected = [...random].sort(compareRows[sort]).slice(0, 50).map((r) => r.id)
      const found = await listConversations(db, { filter: 'all', status: 'open', me, now: NOW, sort }, 50)
      expect(found.map((r) => r.id), sort).toEqual(expected)
    }
  })
})
