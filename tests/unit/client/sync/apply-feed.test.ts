import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { addLabel, writeField } from '../../../../shared/conversation-doc.ts'
import type { FeedEntry } from '../../../../shared/schemas/feed.ts'
import type { InboxDatabase } from '../../../../client/db/database.ts'
import { readMeta } from '../../../../client/db/database.ts'
import { acknowledgeDoc, applyFeedEntries, mergeDoc } from '../../../../client/sync/apply-feed.ts'
import { projectState } from '../../../../client/sync/doc-state.ts'
import { enqueue } from '../../../../client/sync/outbox.ts'
import {
  captureUpdate,
  contact,
  contactEntry,
  conversationEntry,
  facts,
  freshDatabase,
  ids,
  message,
  messageEntry,
  newDoc,
  setStatus,
  write,
} from '../fixtures.ts'

const SERVER = 1
const DEVICE = 2

let db: InboxDatabase
beforeEach(() => {
  db = freshDatabase()
})
afterEach(async () => {
  await db.delete()
})

/** One conversation with its contact and first customer message, as a first feed page brings them. */
function firstPage() {
  const customer = contact(crypto.randomUUID(), 'Dana')
  const conversationId = crypto.randomUUID()
  const serverDoc = newDoc(SERVER)
  setStatus(serverDoc, 'open', 'system', 1_000)
  const first = message(conversationId, 2)
  const entries: FeedEntry[] = [
    contactEntry(1, customer),
    messageEntry(first),
    conversationEntry(3, facts(conversationId, { contactId: customer.id, lastActivityAt: 1_002, lastMessageSeq: 2 }), serverDoc),
  ]
  return { customer, conversationId, serverDoc, first, entries }
}

async function snapshot(db: InboxDatabase) {
  const [conversations, messages, contacts, docs, outbox, meta] = await Promise.all([
    db.conversations.toArray(),
    db.messages.toArray(),
    db.contacts.toArray(),
    db.docs.toArray(),
    db.outbox.toArray(),
    db.meta.toArray(),
  ])
  return { conversations, messages, contacts, docs: docs.map((d) => ({ ...d, update: projectState(d.update) })), outbox, meta }
}

describe('applyFeedEntries', () => {
  it('stores the contacts, messages and conversations of a page, and the cursor', async () => {
    const { customer, conversationId, first, entries } = firstPage()
    await applyFeedEntries(db, entries, 3)

    expect(await db.contacts.toArray()).toEqual([customer])
    expect(await db.messages.toArray()).toEqual([first])
    const row = await db.conversations.get(conversationId)
    expect(row).toMatchObject({ id: conversationId, contactId: customer.id, status: 'open', assigneeId: null, assignee: '', lastActivityAt: 1_002 })
    expect(await db.docs.get(conversationId)).toMatchObject({ dirty: 0, version: 0 })
    expect(await readMeta(db, 'cursor')).toBe(3)
  })

  it('stores the cursor it is given even for an empty page (entries superseded later leave gaps)', async () => {
    await applyFeedEntries(db, [], 42)
    expect(await readMeta(db, 'cursor')).toBe(42)
  })

  it('is idempotent: the same page twice leaves the same rows and no duplicates', async () => {
    const { entries } = firstPage()
    await applyFeedEntries(db, entries, 3)
    const once = await snapshot(db)
    await applyFeedEntries(db, entries, 3)
    const twice = await snapshot(db)

    expect(twice).toEqual(once)
    expect(twice.conversations).toHaveLength(1)
    expect(twice.messages).toHaveLength(1)
    expect(twice.contacts).toHaveLength(1)
  })

  it("keeps an agent's unacknowledged offline edit in the row, and the doc dirty", async () => {
    const { conversationId, serverDoc, entries } = firstPage()
    await applyFeedEntries(db, entries, 3)

    // Offline, Alice assigns the conversation to herself on her device.
    const device = newDoc(DEVICE, [(await db.docs.get(conversationId))!.update])
    const assign = captureUpdate(device, (d) => writeField(d, 'assignee', { value: ids.alice }, write(ids.alice, 2_000)))
    await mergeDoc(db, conversationId, assign, true)

    // Meanwhile Bob sets it pending on the server, which has not seen Alice's edit; the feed brings that.
    setStatus(serverDoc, 'pending', ids.bob, 2_100, 2)
    const later = conversationEntry(4, facts(conversationId, { lastActivityAt: 2_100, lastMessageSeq: 2 }), serverDoc)
    if (later.kind !== 'conversation') throw new Error('fixture')
    expect(later.conversation.assigneeId).toBeNull()
    await applyFeedEntries(db, [later], 4)

    const row = await db.conversations.get(conversationId)
    expect(row).toMatchObject({ status: 'pending', statusBy: ids.bob, assigneeId: ids.alice, assignee: ids.alice, lastActivityAt: 2_100 })
    const doc = await db.docs.get(conversationId)
    expect(doc).toMatchObject({ dirty: 1, version: 1 })
    expect(projectState(doc!.update)).toMatchObject({ status: 'pending', assigneeId: ids.alice })
  })

  it('removes the outbox item whose message arrived, in the same step, and leaves the others', async () => {
    const { conversationId, entries } = firstPage()
    await applyFeedEntries(db, entries, 3)
    const replyId = crypto.randomUUID()
    const otherId = crypto.randomUUID()
    const queued = { conversationId, kind: 'reply' as const, body: 'On it', basedOnSeq: 2, authorAgentId: ids.alice }
    await enqueue(db, { ...queued, id: replyId }, 5_000)
    await enqueue(db, { ...queued, id: otherId, body: 'One more thing' }, 5_001)
    await db.outbox.update(replyId, { state: 'sent' })

    const reply = message(conversationId, 4, { id: replyId, kind: 'reply', body: 'On it', authorAgentId: ids.alice })
    await applyFeedEntries(db, [messageEntry(reply)], 4)

    expect(await db.messages.get(replyId)).toEqual(reply)
    expect(await db.outbox.get(replyId)).toBeUndefined()
    expect((await db.outbox.toArray()).map((i) => i.id)).toEqual([otherId])
  })

  it('stores nothing of a page that fails, so the cursor never passes data it does not hold', async () => {
    const { conversationId, entries } = firstPage()
    await applyFeedEntries(db, entries, 3)
    const replyId = crypto.randomUUID()
    await enqueue(db, { id: replyId, conversationId, kind: 'reply', body: 'Hi', basedOnSeq: 2, authorAgentId: ids.alice }, 5_000)

    const reply = message(conversationId, 4, { id: replyId, kind: 'reply' })
    // A contact without a key makes the transaction fail after the other writes were issued.
    const broken = { seq: 5, kind: 'contact', contact: { ...contact(crypto.randomUUID(), 'X'), id: undefined } } as unknown as FeedEntry
    await expect(applyFeedEntries(db, [messageEntry(reply), broken], 5)).rejects.toThrow()

    expect(await readMeta(db, 'cursor')).toBe(3)
    expect(await db.messages.get(replyId)).toBeUndefined()
    expect(await db.outbox.get(replyId)).toBeDefined()
  })

  it('ends with the newest facts when one page holds several entries of a conversation', async () => {
    const { conversationId, serverDoc, entries } = firstPage()
    const older = conversationEntry(5, facts(conversationId, { lastActivityAt: 3_000, lastMessageSeq: 4 }), serverDoc)
    setStatus(serverDoc, 'resolved', ids.bob, 4_000, 6)
    addLabel(serverDoc, 'billing', { by: ids.bob, at: 4_000 })
    const newer = conversationEntry(7, facts(conversationId, { lastActivityAt: 4_000, lastMessageSeq: 6 }), serverDoc)

    await applyFeedEntries(db, [...entries, older, newer], 7)

    expect(await db.conversations.count()).toBe(1)
    expect(await db.conversations.get(conversationId)).toMatchObject({
      status: 'resolved',
      statusSeenSeq: 6,
      labels: ['billing'],
      lastActivityAt: 4_000,
      lastMessageSeq: 6,
    })
  })

  it("with its own copy of a doc, the device takes the merged doc's projection over the row the server sent", async () => {
    const { conversationId, serverDoc, entries } = firstPage()
    await applyFeedEntries(db, entries, 3)
    const entry = conversationEntry(4, facts(conversationId), serverDoc)
    if (entry.kind !== 'conversation') throw new Error('fixture')
    // A row whose projected columns disagree with its own doc state (e.g. a server projection lagging).
    const lagging: FeedEntry = { ...entry, conversation: { ...entry.conversation, status: 'resolved', assigneeId: ids.bob } }
    await applyFeedEntries(db, [lagging], 4)
    expect(await db.conversations.get(conversationId)).toMatchObject({ status: 'open', assigneeId: null, assignee: '' })
  })

  it('without a copy of the doc (a device bootstrapping), it stores the server row as sent, and the state beside it', async () => {
    const { conversationId, serverDoc } = firstPage()
    const entry = conversationEntry(3, facts(conversationId), serverDoc)
    if (entry.kind !== 'conversation') throw new Error('fixture')
    // The server writes a row and its doc state together, so the row is that state's projection:
    // re-projecting ten thousand docs on a first sync would only repeat it.
    await applyFeedEntries(db, [entry], 3)
    expect(await db.conversations.get(conversationId)).toMatchObject({ status: entry.conversation.status })
    expect((await db.docs.get(conversationId))?.update).toEqual(Y.encodeStateAsUpdate(serverDoc))
  })
})

describe('mergeDoc', () => {
  async function storedConversation() {
    const { conversationId, entries } = firstPage()
    await applyFeedEntries(db, entries, 3)
    const device = newDoc(DEVICE, [(await db.docs.get(conversationId))!.update])
    return { conversationId, device }
  }

  it('marks a local edit dirty and counts each local edit in the version', async () => {
    const { conversationId, device } = await storedConversation()
    await mergeDoc(db, conversationId, captureUpdate(device, (d) => setStatus(d, 'pending', ids.alice, 2_000)), true)
    expect(await db.docs.get(conversationId)).toMatchObject({ dirty: 1, version: 1 })
    await mergeDoc(db, conversationId, captureUpdate(device, (d) => setStatus(d, 'resolved', ids.alice, 2_001)), true)
    expect(await db.docs.get(conversationId)).toMatchObject({ dirty: 1, version: 2 })
  })

  it('creates the doc of a conversation not stored yet, without inventing a row', async () => {
    const id = crypto.randomUUID()
    const update = captureUpdate(newDoc(DEVICE), (d) => setStatus(d, 'pending', ids.alice, 1))
    await mergeDoc(db, id, update, true)
    expect(await db.docs.get(id)).toMatchObject({ dirty: 1, version: 1 })
    expect(await db.conversations.get(id)).toBeUndefined()
  })

  it('does not clear dirty when a remote update arrives, nor count it as a local edit', async () => {
    const { conversationId, device } = await storedConversation()
    await mergeDoc(db, conversationId, captureUpdate(device, (d) => setStatus(d, 'pending', ids.alice, 2_000)), true)
    const bob = newDoc(3, [(await db.docs.get(conversationId))!.update])
    await mergeDoc(db, conversationId, captureUpdate(bob, (d) => addLabel(d, 'vip', { by: ids.bob, at: 2_001 })), false)
    expect(await db.docs.get(conversationId)).toMatchObject({ dirty: 1, version: 1 })
  })

  it('leaves a clean doc clean on a remote update', async () => {
    const { conversationId } = await storedConversation()
    const bob = newDoc(3, [(await db.docs.get(conversationId))!.update])
    await mergeDoc(db, conversationId, captureUpdate(bob, (d) => setStatus(d, 'resolved', ids.bob, 2_000)), false)
    expect(await db.docs.get(conversationId)).toMatchObject({ dirty: 0, version: 0 })
    expect(await db.conversations.get(conversationId)).toMatchObject({ status: 'resolved' })
  })

  it("re-projects the row's status, assignee and labels from the merged doc", async () => {
    const { conversationId, device } = await storedConversation()
    const bob = newDoc(3, [(await db.docs.get(conversationId))!.update])
    const mine = captureUpdate(device, (d) => {
      writeField(d, 'assignee', { value: ids.alice }, write(ids.alice, 2_000))
      addLabel(d, 'refund', { by: ids.alice, at: 2_000 })
    })
    const theirs = captureUpdate(bob, (d) => {
      writeField(d, 'status', { value: 'snoozed', snoozedUntil: 9_000, seenSeq: 2 }, write(ids.bob, 2_001))
      addLabel(d, 'vip', { by: ids.bob, at: 2_001 })
    })
    await mergeDoc(db, conversationId, mine, true)
    await mergeDoc(db, conversationId, theirs, false)

    const row = await db.conversations.get(conversationId)
    expect(row).toMatchObject({
      status: 'snoozed',
      snoozedUntil: 9_000,
      assigneeId: ids.alice,
      assignee: ids.alice,
      labels: ['refund', 'vip'],
      lastActivityAt: 1_002,
    })
    // Unassigning empties the indexable field too, or the row would stay in Alice's "mine" list.
    await mergeDoc(db, conversationId, captureUpdate(device, (d) => writeField(d, 'assignee', { value: null }, write(ids.alice, 2_002))), true)
    expect(await db.conversations.get(conversationId)).toMatchObject({ assigneeId: null, assignee: '' })
  })

  it('is harmless when the same update arrives twice (room, bulk endpoint and feed)', async () => {
    const { conversationId, device } = await storedConversation()
    const update = captureUpdate(device, (d) => addLabel(d, 'vip', { by: ids.alice, at: 2_000 }))
    await mergeDoc(db, conversationId, update, false)
    const once = await db.conversations.get(conversationId)
    await mergeDoc(db, conversationId, update, false)
    expect(await db.conversations.get(conversationId)).toEqual(once)
    expect(projectState((await db.docs.get(conversationId))!.update).labels).toEqual(['vip'])
  })
})

describe('acknowledgeDoc', () => {
  async function dirtyDoc() {
    const id = crypto.randomUUID()
    const device = newDoc(DEVICE)
    await mergeDoc(db, id, captureUpdate(device, (d) => setStatus(d, 'pending', ids.alice, 1)), true)
    return { id, device }
  }

  it('clears dirty when the pushed version is still the newest', async () => {
    const { id } = await dirtyDoc()
    await acknowledgeDoc(db, id, 1)
    expect(await db.docs.get(id)).toMatchObject({ dirty: 0, version: 1 })
  })

  it('keeps dirty when the agent edited again after the push', async () => {
    const { id, device } = await dirtyDoc()
    const pushed = (await db.docs.get(id))!.version
    await mergeDoc(db, id, captureUpdate(device, (d) => setStatus(d, 'resolved', ids.alice, 2)), true)
    await acknowledgeDoc(db, id, pushed)
    expect(await db.docs.get(id)).toMatchObject({ dirty: 1, version: 2 })
  })

  it('does nothing for a doc the device does not hold', async () => {
    const id = crypto.randomUUID()
    await acknowledgeDoc(db, id, 0)
    expect(await db.docs.get(id)).toBeUndefined()
  })
})
