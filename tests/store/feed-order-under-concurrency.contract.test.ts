import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { FeedEntry } from '../../shared/schemas/feed.ts'
import { storeBackends } from '../support/stores.ts'
import { newConversation, seedAccount, useStore } from './fixture.ts'

// DESIGN §6: seqs are handed out in commit order. N writers insert messages into one account at
// once while a reader polls the feed with a cursor that moves to the last seq it read: it must never
// see seq N+1 before N is visible (it would skip N for good), and the seqs taken are gap-free.

const WRITERS = 60

describe.each(storeBackends())('feed order under concurrent writers ($name)', (backend) => {
  const opened = useStore(backend)

  it('a polling reader sees every message entry, in order, and the seqs taken are consecutive', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const conversations = await Promise.all([0, 1, 2, 3].map(() => newConversation(store, w)))
    const start = await store.feed.lastSeq(w.accountId)

    const seen: number[] = []
    let cursor = start
    let writing = true
    const poll = async () => {
      const { entries } = await store.feed.readFeed(w.accountId, cursor, 1_000, { kinds: ['message'] })
      for (const text of entries) {
        const entry = JSON.parse(text) as FeedEntry
        seen.push(entry.seq)
        cursor = entry.seq
      }
    }
    const reader = (async () => {
      while (writing) {
        await poll()
        await new Promise((resolve) => setImmediate(resolve))
      }
      await poll()
    })()

    const results = await Promise.all(
      Array.from({ length: WRITERS }, (_, i) =>
        store.conversations.insertMessage({
          id: randomUUID(),
          accountId: w.accountId,
          conversationId: conversations[i % conversations.length]!.id,
          kind: 'incoming',
          body: `message ${i}`,
          authorAgentId: null,
          createdAt: 10_000 + i,
        }),
      ),
    )
    writing = false
    await reader

    // Each insert took two seqs (its message, then its conversation's entry): together, start+1..start+2N.
    const taken = results.flatMap((r) => r.entries.map((e) => e.seq)).sort((a, b) => a - b)
    expect(taken).toEqual(Array.from({ length: 2 * WRITERS }, (_, i) => start + 1 + i))
    expect(await store.feed.lastSeq(w.accountId)).toBe(start + 2 * WRITERS)
    // The reader saw every message seq, each once, ascending: none was skipped by its cursor.
    const messageSeqs = results.map((r) => r.message.seq).sort((a, b) => a - b)
    expect(seen).toEqual(messageSeqs)
  })
})
