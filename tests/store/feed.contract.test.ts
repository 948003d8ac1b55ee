import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { FeedEntry } from '../../shared/schemas/feed.ts'
import { storeBackends } from '../support/stores.ts'
import { type World, newContact, newConversation, seedAccount, useStore } from './fixture.ts'

// Reading the change feed: after a seq, up to a limit or a seq, of some kinds; entries meant for one
// agent (read marks) reach that agent alone; superseded entries are gone; lastSeq is the account's.

async function read(w: World, store: Parameters<typeof seedAccount>[0], after: number, limit: number, only = {}) {
  const { entries, lastSeq } = await store.feed.readFeed(w.accountId, after, limit, only)
  return { entries: entries.map((e) => JSON.parse(e) as FeedEntry), lastSeq }
}

describe.each(storeBackends())('feed store ($name)', (backend) => {
  const opened = useStore(backend)

  it('reads after a seq, up to a limit and up to a seq, in seq order, with the account\'s lastSeq', async () => {
    const { store } = opened
    const w = await seedAccount(store) // seq 1: the seeded contact
    for (let i = 0; i < 5; i++) await store.contacts.insertContact(newContact(w.accountId)) // seqs 2..6
    const all = await read(w, store, 0, 100)
    expect(all.entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6])
    expect(all.lastSeq).toBe(6)
    expect(await store.feed.lastSeq(w.accountId)).toBe(6)
    expect((await read(w, store, 2, 2)).entries.map((e) => e.seq)).toEqual([3, 4])
    const until = await read(w, store, 2, 100, { until: 4 })
    expect(until.entries.map((e) => e.seq)).toEqual([3, 4])
    expect(until.lastSeq).toBe(6)
    expect(await read(w, store, 6, 100)).toEqual({ entries: [], lastSeq: 6 })
  })

  it('an unknown account has no entries and lastSeq 0; another account\'s entries never show', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    expect(await store.feed.readFeed(randomUUID(), 0, 10)).toEqual({ entries: [], lastSeq: 0 })
    expect(await store.feed.lastSeq(randomUUID())).toBe(0)
    const other = await seedAccount(store)
    const mine = await read(w, store, 0, 100)
    expect(mine.entries.every((e) => e.kind !== 'contact' || e.contact.accountId === w.accountId)).toBe(true)
    expect((await read(other, store, 0, 100)).entries.map((e) => e.seq)).toEqual([1])
  })

  it('filters by kinds', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const c = await newConversation(store, w)
    await store.conversations.insertMessage({ id: randomUUID(), accountId: w.accountId, conversationId: c.id, kind: 'incoming', body: 'hi', authorAgentId: null, createdAt: 3_000 })
    const kinds = async (only: FeedEntry['kind'][]) => (await read(w, store, 0, 100, { kinds: only })).entries.map((e) => e.kind)
    expect(await kinds(['message'])).toEqual(['message'])
    expect(await kinds(['contact', 'conversation'])).toEqual(['contact', 'conversation'])
    expect(await kinds(['canned'])).toEqual([])
    expect((await read(w, store, 0, 100)).entries.map((e) => e.kind)).toEqual(['contact', 'message', 'conversation'])
  })

  it('keeps every message entry but only the latest entry of a conversation or contact', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const c = await newConversation(store, w)
    const ids: string[] = []
    for (let i = 0; i < 3; i++) {
      const id = randomUUID()
      ids.push(id)
      await store.conversations.insertMessage({ id, accountId: w.accountId, conversationId: c.id, kind: 'incoming', body: `m${i}`, authorAgentId: null, createdAt: 3_000 + i })
    }
    const { entries, lastSeq } = await read(w, store, 0, 100)
    expect(entries.filter((e) => e.kind === 'message').map((e) => e.kind === 'message' && e.message.id)).toEqual(ids)
    const conversations = entries.filter((e) => e.kind === 'conversation')
    expect(conversations).toHaveLength(1)
    expect(conversations[0]!.seq).toBe(lastSeq)
    expect(conversations[0]!.kind === 'conversation' && conversations[0]!.conversation.lastMessage?.body).toBe('m2')
  })

  it('an agent\'s read marks reach that agent alone, and the kinds filter still applies', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const bob = randomUUID()
    const c = await newConversation(store, w)
    const mark = await store.reads.mark({ accountId: w.accountId, agentId: w.agentId, conversationId: c.id, seenSeq: 2, at: 9 })
    const markSeq = mark.entries[0]!.seq
    const seqsFor = async (agentId?: string, kinds?: FeedEntry['kind'][]) =>
      (await read(w, store, 0, 100, { ...(agentId ? { agentId } : {}), ...(kinds ? { kinds } : {}) })).entries.map((e) => e.seq)
    expect(await seqsFor(w.agentId)).toContain(markSeq)
    expect(await seqsFor(bob)).not.toContain(markSeq)
    expect(await seqsFor()).not.toContain(markSeq)
    expect(await seqsFor(w.agentId, ['read'])).toEqual([markSeq])
    expect(await seqsFor(bob, ['read'])).toEqual([])
    // The hidden entry still counts in lastSeq: the other agent's cursor moves past it.
    expect((await read(w, store, 0, 100, { agentId: bob })).lastSeq).toBe(markSeq)
  })
})
