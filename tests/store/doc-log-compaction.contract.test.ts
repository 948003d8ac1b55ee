import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { docName } from '../../shared/conversation-doc.ts'
import { emptyConversationState } from '../../shared/project-conversation.ts'
import { DocRegistry } from '../../server/sync/doc-registry.ts'
import type { Store } from '../../server/store/types.ts'
import { eventually } from '../support/eventually.ts'
import { storeBackends } from '../support/stores.ts'
import { seedAccount, useStore } from './fixture.ts'

// The registry compacts a doc's update log every `compactAfter` appends, beside the doc's write
// chain: an update's append (and so its forwarding to the room) never waits for a compaction, which
// merges the doc, may take a lease and rewrites the log (a pause every few hundred keystrokes, seen
// as the room's p99 in `npm run bench -- scale`).

const COMPACT_AFTER = 10

function registryOver(store: Store) {
  return new DocRegistry(
    store,
    { onEntries: () => {}, jobsFor: async () => ({ jobs: [], committed: () => {} }), onStateChange: () => {}, onPresence: () => {} },
    { idleMs: 60_000, compactAfter: COMPACT_AFTER },
  )
}

async function conversation(store: Store): Promise<string> {
  const w = await seedAccount(store)
  const id = crypto.randomUUID()
  await store.conversations.insertConversation(
    { id, accountId: w.accountId, inboxId: w.inboxId, contactId: w.contactId, createdAt: 2_000 },
    emptyConversationState,
    Y.encodeStateAsUpdate(new Y.Doc()),
  )
  return id
}

const typed = (registry: DocRegistry, id: string, text: string) =>
  registry.change(id, { kind: 'server' }, (doc) => doc.getText('note').insert(doc.getText('note').length, text))

describe.each(storeBackends())('doc log compaction ($name)', (backend) => {
  const opened = useStore(backend)

  it('compacts the log after enough appends, and the log still replays to the whole note', async () => {
    const { store } = opened
    const id = await conversation(store)
    const registry = registryOver(store)
    for (let i = 0; i < 3 * COMPACT_AFTER; i++) await typed(registry, id, `${i % 10}`)
    const expected = '0123456789'.repeat(3)
    await eventually(async () => {
      const rows = await store.docs.loadDocUpdates(docName(id))
      expect(rows.length).toBeLessThan(2 * COMPACT_AFTER)
      const replayed = new Y.Doc()
      for (const row of rows) Y.applyUpdate(replayed, row.data)
      expect(replayed.getText('note').toString()).toBe(expected)
    })
    await registry.closeAll()
  })

  it('keeps appending while a compaction is under way', async () => {
    const { store } = opened
    const id = await conversation(store)
    const registry = registryOver(store)
    // The compaction waits for the test to let it finish.
    let finish!: () => void
    const gate = new Promise<void>((resolve) => (finish = resolve))
    let started = false
    const compactDoc = store.docs.compactDoc.bind(store.docs)
    store.docs.compactDoc = async (...args) => {
      started = true
      await gate
      return compactDoc(...args)
    }
    try {
      const initial = (await store.docs.loadDocUpdates(docName(id))).length
      for (let i = 0; i < COMPACT_AFTER; i++) await typed(registry, id, 'a')
      await eventually(() => expect(started).toBe(true))
      // Each of these resolves once its update is appended: none waits for the held compaction.
      for (let i = 0; i < 5; i++) await typed(registry, id, 'b')
      const before = await store.docs.loadDocUpdates(docName(id))
      expect(before.length).toBe(initial + COMPACT_AFTER + 5)
      finish()
      await eventually(async () => expect((await store.docs.loadDocUpdates(docName(id))).length).toBeLessThan(before.length))
      const replayed = new Y.Doc()
      for (const row of await store.docs.loadDocUpdates(docName(id))) Y.applyUpdate(replayed, row.data)
      expect(replayed.getText('note').toString()).toBe('a'.repeat(COMPACT_AFTER) + 'b'.repeat(5))
    } finally {
      finish()
      store.docs.compactDoc = compactDoc
      await registry.closeAll()
    }
  })
})
