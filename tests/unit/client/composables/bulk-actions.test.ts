import 'fake-indexeddb/auto'
import * as Y from 'yjs'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { InboxDatabase } from '../../../../client/db/database.ts'
import { DocSync } from '../../../../client/sync/docs.ts'
import { stateActions } from '../../../../client/composables/useConversationActions.ts'
import { applyToEach } from '../../../../client/composables/bulk-actions.ts'
import { readField, readLabels } from '../../../../shared/conversation-doc.ts'
import { conversationRecord, freshDatabase, ids } from '../fixtures.ts'

const me = ids.alice
const id = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`
const rows = [1, 2, 3].map((n) => conversationRecord({ id: id(n), status: 'open', lastActivityAt: n, lastMessageSeq: 10 * n }))
const untouched = conversationRecord({ id: id(9), status: 'open', lastActivityAt: 9 })

let db: InboxDatabase
let localEdits: number
let actions: ReturnType<typeof stateActions>
beforeEach(async () => {
  // client/lib/uuid.ts asks the browser whether randomUUID may be used.
  vi.stubGlobal('isSecureContext', true)
  db = freshDatabase()
  await db.conversations.bulkPut([...rows, untouched])
  localEdits = 0
  // The real doc path (closed docs are edited from Dexie, stored dirty): what the app does offline.
  const docs = new DocSync(db, { id: me, name: 'Alice' }, () => localEdits++)
  actions = stateActions({ db, meId: me, edit: (cid, change) => docs.edit(cid, change) })
})
afterEach(async () => {
  vi.unstubAllGlobals()
  await db.delete()
})

async function storedDoc(cid: string): Promise<Y.Doc> {
  const doc = new Y.Doc()
  const stored = await db.docs.get(cid)
  if (stored) Y.applyUpdate(doc, stored.update)
  return doc
}

describe('bulk actions', () => {
  it('resolves each selected conversation with its own edit, each waiting to be pushed', async () => {
    const result = await applyToEach(actions, rows, { kind: 'resolve' })
    expect(result).toEqual({ done: rows.map((r) => r.id), failed: [] })
    expect(localEdits).toBe(3)
    const dirty = await db.docs.where('dirty').equals(1).primaryKeys()
    expect(dirty.sort()).toEqual(rows.map((r) => r.id))
    for (const row of rows) {
      const status = readField(await storedDoc(row.id), 'status')
      // Each records the newest message seq of its own conversation (DESIGN §4 rule 3).
      expect(status).toMatchObject({ value: 'resolved', seenSeq: row.lastMessageSeq, by: me })
      expect((await db.conversations.get(row.id))!.status).toBe('resolved')
    }
    expect((await db.conversations.get(untouched.id))!.status).toBe('open')
    // Like a single write, each is remembered for the lost-write check.
    expect(await db.writes.count()).toBe(3)
  })

  it('assigns, snoozes and labels every selected conversation and nothing else', async () => {
    const two = rows.slice(0, 2)
    await applyToEach(actions, two, { kind: 'assign', agentId: ids.bob })
    await applyToEach(actions, two, { kind: 'snooze', until: 5_000 })
    await applyToEach(actions, two, { kind: 'label', label: 'Billing' })
    for (const row of two) {
      const stored = (await db.conversations.get(row.id))!
      expect(stored).toMatchObject({ assigneeId: ids.bob, assignee: ids.bob, status: 'snoozed', snoozedUntil: 5_000, labels: ['billing'] })
      expect(readLabels(await storedDoc(row.id))).toEqual(['billing'])
    }
    expect(await db.conversations.get(rows[2]!.id)).toMatchObject({ assigneeId: null, status: 'open', labels: [] })
    expect(await db.docs.get(rows[2]!.id)).toBeUndefined()
  })

  it('goes on with the others when one edit fails, and says which failed', async () => {
    const failing = stateActions({
      db,
      meId: me,
      edit: async (cid, change) => {
        if (cid === rows[1]!.id) throw new Error('refused')
        const doc = new Y.Doc()
        change(doc)
      },
    })
    expect(await applyToEach(failing, rows, { kind: 'resolve' })).toEqual({ done: [rows[0]!.id, rows[2]!.id], failed: [rows[1]!.id] })
  })
})
