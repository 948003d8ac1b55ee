import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { docName, writeField } from '../../shared/conversation-doc.ts'
import { type ConversationState, emptyConversationState, projectConversation } from '../../shared/project-conversation.ts'
import { DocRegistry, type StateChange } from '../../server/sync/doc-registry.ts'
import { type DocPeers, noPeers } from '../../server/sync/doc-peers.ts'
import type { Store } from '../../server/store/types.ts'
import { eventually } from '../support/eventually.ts'
import { storeBackends } from '../support/stores.ts'
import { seedAccount, useStore } from './fixture.ts'

// A doc loaded while its log holds a change the SQL row lacks. With one process that can only be a
// crash between the append and the projection: repaired at once, its jobs and rules run. With other
// processes it is usually one of them, which stored the change a moment ago and is saving its
// projection (with the jobs and rules) right now: the loading process leaves it to them, and repairs
// only what is still unsaved once they have had time (the other process crashed).

const SETTLE_MS = 150

/** A conversation whose doc log has one more change (status resolved) than its SQL row. */
async function withUnsavedResolve(store: Store): Promise<{ id: string; resolved: ConversationState; docState: Uint8Array }> {
  const w = await seedAccount(store)
  const id = crypto.randomUUID()
  const doc = new Y.Doc()
  await store.conversations.insertConversation(
    { id, accountId: w.accountId, inboxId: w.inboxId, contactId: w.contactId, createdAt: 2_000 },
    emptyConversationState,
    Y.encodeStateAsUpdate(doc),
  )
  const before = Y.encodeStateVector(doc)
  writeField(doc, 'status', { value: 'resolved', snoozedUntil: null, seenSeq: 0 }, { by: w.agentId, at: 3_000, writeId: 'w-resolve' })
  await store.docs.appendDocUpdate(docName(id), Y.encodeStateAsUpdate(doc, before))
  const resolved = projectConversation(doc)
  expect(resolved.status).toBe('resolved')
  return { id, resolved, docState: Y.encodeStateAsUpdate(doc) }
}

function registryOver(store: Store, peers: DocPeers) {
  const changes: StateChange[] = []
  const registry = new DocRegistry(
    store,
    {
      onEntries: () => {},
      jobsFor: async () => ({ jobs: [], committed: () => {} }),
      onStateChange: (change) => changes.push(change),
      onPresence: () => {},
    },
    { idleMs: 60_000, compactAfter: 1_000 },
    peers,
  )
  return { registry, changes }
}

const clustered: DocPeers = { ...noPeers, settleMs: SETTLE_MS }
const statusOf = async (store: Store, id: string) => (await store.conversations.getConversation(id))!.row.status

describe.each(storeBackends())('a doc loaded with a change its row lacks ($name)', (backend) => {
  const opened = useStore(backend)

  it('one process: the change is projected at load, its rules run once', async () => {
    const { store } = opened
    const { id } = await withUnsavedResolve(store)
    const { registry, changes } = registryOver(store, noPeers)
    await registry.open(id)
    await eventually(async () => expect(await statusOf(store, id)).toBe('resolved'))
    await eventually(() => expect(changes.map((c) => [c.before.status, c.after.status])).toEqual([['open', 'resolved']]))
    await registry.closeAll()
  })

  it('several processes: the process that stored it saves it, and this one runs nothing for it', async () => {
    const { store } = opened
    const { id, resolved, docState } = await withUnsavedResolve(store)
    const { registry, changes } = registryOver(store, clustered)
    await registry.open(id)
    // The other process's projection lands within the settle time.
    await store.conversations.saveConversationState(id, resolved, docState)
    // Past the settle time, and past a later local edit's projection: still nothing credited here
    // for the resolve.
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS * 2))
    await registry.change(id, { kind: 'server' }, (doc) => writeField(doc, 'priority', { value: 'high' }, { by: 'x', at: 4_000, writeId: 'w-high' }))
    expect(changes.map((c) => [c.before.status, c.after.status, c.after.priority])).toEqual([['resolved', 'resolved', 'high']])
    await registry.closeAll()
  })

  it('several processes: still unsaved after the settle time (the other process died), it is repaired here once', async () => {
    const { store } = opened
    const { id } = await withUnsavedResolve(store)
    const { registry, changes } = registryOver(store, clustered)
    await registry.open(id)
    expect(await statusOf(store, id)).toBe('open')
    await eventually(async () => expect(await statusOf(store, id)).toBe('resolved'))
    await eventually(() => expect(changes.map((c) => [c.before.status, c.after.status])).toEqual([['open', 'resolved']]))
    await registry.closeAll()
  })
})
