import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { noteText } from '../../../../shared/conversation-doc.ts'
import type { InboxDatabase } from '../../../../client/db/database.ts'
import { mergeDoc } from '../../../../client/sync/apply-feed.ts'
import { DOC_TOO_LARGE_NOTICE, dropRefusedEdit, refusedDocIndexes } from '../../../../client/sync/refused-doc.ts'
import { captureUpdate, conversationRecord, freshDatabase, ids, newDoc, setStatus } from '../fixtures.ts'

// The server refused an edit for the doc's size (room close 4413, bulk 413): the device drops it,
// keeps the server's state, and says so in the conversation instead of pushing it again forever.

let db: InboxDatabase
beforeEach(() => {
  db = freshDatabase()
})
afterEach(async () => {
  await db.delete()
})

describe('refusedDocIndexes', () => {
  it('reads the refused items of a bulk 413, ignoring other fields and duplicates', () => {
    const body = {
      error: 'too large',
      fields: [
        { path: 'docs.3.update', message: 'document too large' },
        { path: 'docs.0.update', message: 'document too large' },
        { path: 'docs.3.update', message: 'again' },
        { path: 'docs.1.stateVector', message: 'not this one' },
      ],
    }
    expect(refusedDocIndexes(body)).toEqual([0, 3])
    expect(refusedDocIndexes({ error: 'request body too large' })).toEqual([])
    expect(refusedDocIndexes(null)).toEqual([])
  })
})

describe('dropRefusedEdit', () => {
  it("replaces the device's dirty copy by the server's state, re-projects the row and leaves the notice", async () => {
    const id = crypto.randomUUID()
    const server = newDoc(1)
    setStatus(server, 'pending', ids.alice, 1_000)
    const serverState = Y.encodeStateAsUpdate(server)
    await db.conversations.put(conversationRecord({ id, status: 'open', lastActivityAt: 1_000 }))
    await mergeDoc(db, id, serverState, false)

    const device = newDoc(2, [serverState])
    await mergeDoc(db, id, captureUpdate(device, (d) => noteText(d).insert(0, 'x'.repeat(2_000_000))), true)
    expect((await db.docs.get(id))?.dirty).toBe(1)

    await dropRefusedEdit(db, id, serverState, 5_000)
    const stored = await db.docs.get(id)
    expect(stored?.dirty).toBe(0)
    const copy = newDoc(3, [stored!.update])
    expect(noteText(copy).toString()).toBe('')
    expect((await db.conversations.get(id))?.status).toBe('pending')
    expect(await db.notices.where('conversationId').equals(id).toArray()).toEqual([
      expect.objectContaining({ conversationId: id, text: DOC_TOO_LARGE_NOTICE, at: 5_000 }),
    ])
  })

  it('offline (no server state): the copy stays but is no longer dirty, and the agent is told', async () => {
    const id = crypto.randomUUID()
    const device = newDoc(2)
    await mergeDoc(db, id, captureUpdate(device, (d) => noteText(d).insert(0, 'big')), true)
    await dropRefusedEdit(db, id, null, 7_000)
    expect((await db.docs.get(id))?.dirty).toBe(0)
    expect(await db.notices.where('conversationId').equals(id).count()).toBe(1)
  })
})
