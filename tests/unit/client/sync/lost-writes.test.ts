import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { writeField } from '../../../../shared/conversation-doc.ts'
import { lostWriteNotice, writeOutcome } from '../../../../client/sync/lost-writes.ts'
import { mergeDoc } from '../../../../client/sync/apply-feed.ts'
import type { InboxDatabase } from '../../../../client/db/database.ts'
import { freshDatabase, ids, newDoc, write } from '../fixtures.ts'

const names = { agent: (id: string) => ({ [ids.alice]: 'Alice', [ids.bob]: 'Bob' })[id] ?? '?', team: () => 'Billing' }

describe('writeOutcome', () => {
  const mine = { writeId: 'w-mine', over: 'w-0' }
  it('tells standing, lost, superseded and pending apart', () => {
    expect(writeOutcome(mine, null)).toBe('pending')
    expect(writeOutcome(mine, { writeId: 'w-mine', over: 'w-0' })).toBe('standing')
    expect(writeOutcome(mine, { writeId: 'w-other', over: 'w-0' })).toBe('lost')
    expect(writeOutcome(mine, { writeId: 'w-later', over: 'w-mine' })).toBe('superseded')
  })

  it('walks the write log: a chain that passes through mine superseded it; one that does not beat it', () => {
    // Alice wrote a1 then a2 (over a1) while Carol, offline, wrote c1 (over w-0, like mine here).
    const ancestry = new Map<string, string | null>([
      ['a1', 'w-0'],
      ['a2', 'a1'],
      ['w-mine', 'w-0'],
      ['w-0', null],
    ])
    // a2 replaced a1, not mine: mine lost, though a2's predecessor differs from mine's.
    expect(writeOutcome(mine, { writeId: 'a2', over: 'a1' }, ancestry)).toBe('lost')
    ancestry.set('b1', 'w-mine')
    ancestry.set('b2', 'b1')
    expect(writeOutcome(mine, { writeId: 'b2', over: 'b1' }, ancestry)).toBe('superseded')
    // A trimmed log cannot decide: the predecessors are compared instead.
    expect(writeOutcome(mine, { writeId: 'x2', over: 'x1' }, ancestry)).toBe('superseded')
  })
})

describe('lostWriteNotice', () => {
  const base = { at: 1, writeId: 'x', over: null }
  it('names who won and with what', () => {
    expect(lostWriteNotice('assignee', { ...base, value: ids.bob, by: ids.bob }, names)).toBe(
      'Bob assigned this to themselves at the same time, so it stays with Bob.',
    )
    expect(lostWriteNotice('assignee', { ...base, value: ids.alice, by: ids.bob }, names)).toMatch(/^Bob assigned this to Alice at the same time/)
    expect(lostWriteNotice('status', { ...base, value: 'pending', snoozedUntil: null, seenSeq: 1, by: ids.bob }, names)).toBe(
      'Bob marked this as pending at the same time, so it stays pending.',
    )
    expect(lostWriteNotice('status', { ...base, value: 'open', snoozedUntil: null, seenSeq: 1, by: 'system' }, names)).toMatch(/^The server reopened this/)
  })
})

describe('lost writes on the device', () => {
  let db: InboxDatabase
  afterEach(async () => db?.delete())

  it('a concurrent assignment that wins leaves a notice for the loser, once; a later informed change does not', async () => {
    db = freshDatabase()
    await db.meta.put({
      key: 'workspace',
      value: {
        me: { id: ids.alice, accountId: ids.account, name: 'Alice', email: 'a@x.io', role: 'agent', active: true },
        account: { id: ids.account, name: 'Acme' },
        agents: [
          { id: ids.alice, accountId: ids.account, name: 'Alice', email: 'a@x.io', role: 'agent', active: true },
          { id: ids.bob, accountId: ids.account, name: 'Bob', email: 'b@x.io', role: 'agent', active: true },
        ],
        teams: [],
        inboxes: [],
        attributes: [],
      },
    })
    const conversationId = crypto.randomUUID()
    // Alice and Bob each assign to themselves from the same (empty) state; Bob's client id is higher.
    const alice = newDoc(1)
    const bob = newDoc(2)
    const aliceUpdates: Uint8Array[] = []
    alice.on('update', (u: Uint8Array) => aliceUpdates.push(u))
    const mine = writeField(alice, 'assignee', { value: ids.alice }, write(ids.alice, 10))
    await mergeDoc(db, conversationId, Y.encodeStateAsUpdate(alice), true)
    await db.writes.put({ conversationId, field: 'assignee', writeId: mine.writeId, over: mine.over })
    writeField(bob, 'assignee', { value: ids.bob }, write(ids.bob, 11))
    Y.applyUpdate(bob, Y.encodeStateAsUpdate(alice))
    Y.applyUpdate(alice, Y.encodeStateAsUpdate(bob))
    const winner = alice.getMap('state').get('assignee') as { by: string }
    await mergeDoc(db, conversationId, Y.encodeStateAsUpdate(bob), false)
    const notices = await db.notices.toArray()
    if (winner.by === ids.bob) {
      expect(notices.map((n) => n.text)).toEqual(['Bob assigned this to themselves at the same time, so it stays with Bob.'])
      expect(await db.writes.count()).toBe(0)
    } else {
      expect(notices).toEqual([])
      expect(await db.writes.count()).toBe(1)
    }
    // Merging the same state again says nothing new.
    await mergeDoc(db, conversationId, Y.encodeStateAsUpdate(bob), false)
    expect(await db.notices.count()).toBe(notices.length)
  })
})
