import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { NewMessage } from '../../server/store/conversations.ts'
import type { Store } from '../../server/store/types.ts'
import { type OpenedStore, storeBackends } from '../support/stores.ts'
import { type World, feedOf, newContact, newConversation, rawRun, seedAccount } from './fixture.ts'

// Store.inOneTransaction (the demo seed's one commit): everything made inside is kept together or
// not at all, a call failing inside is undone alone as its own transaction would be, and calls made
// at the same time inside take turns, so feed numbers stay gap-free.

class Refused extends Error {}

describe.each(storeBackends())('inOneTransaction ($name)', (backend) => {
  let opened: OpenedStore
  let store: Store
  let twin: Store
  beforeAll(async () => {
    opened = await backend.open()
    store = opened.store
    twin = await opened.openTwin()
  })
  afterAll(() => opened.close())

  it('another handle sees none of it until it resolves, then all of it, with gap-free seqs', async () => {
    const w = await seedAccount(store)
    const before = await store.feed.lastSeq(w.accountId)
    const contact = newContact(w.accountId)
    const result = await store.inOneTransaction(async () => {
      await store.contacts.insertContact(contact)
      const c = await newConversation(store, w)
      await store.conversations.insertMessage(message(w, c.id))
      expect(await twin.contacts.getContact(contact.id)).toBeNull()
      expect(await twin.feed.lastSeq(w.accountId)).toBe(before)
      return c.id
    })
    expect(await twin.contacts.getContact(contact.id)).toEqual(contact)
    expect(await twin.conversations.listMessages(result)).toHaveLength(1)
    const seqs = (await feedOf(twin, w.accountId)).map((e) => e.seq)
    expect(Math.max(...seqs)).toBe(await twin.feed.lastSeq(w.accountId))
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
  })

  it('keeps none of it when fn throws, seqs included', async () => {
    const w = await seedAccount(store)
    const before = await store.feed.lastSeq(w.accountId)
    const contact = newContact(w.accountId)
    const failure = new Error('stop here')
    await expect(
      store.inOneTransaction(async () => {
        await store.contacts.insertContact(contact)
        await newConversation(store, w)
        throw failure
      }),
    ).rejects.toBe(failure)
    expect(await twin.contacts.getContact(contact.id)).toBeNull()
    expect(await twin.feed.lastSeq(w.accountId)).toBe(before)
    // The next write takes the next number: nothing taken inside is left as a gap.
    const [entry] = await store.contacts.insertContact(newContact(w.accountId))
    expect(entry!.seq).toBe(before + 1)
  })

  it('a call that fails inside is undone alone and the rest is kept', async () => {
    const w = await seedAccount(store)
    const c = await newConversation(store, w)
    const refused = message(w, c.id, 'reply')
    const { first, second } = await store.inOneTransaction(async () => {
      const first = await store.conversations.insertMessage(message(w, c.id))
      // The guard throws inside the insert's own transaction, after it took its seq.
      await expect(store.conversations.insertMessage({ ...refused, guard: { afterSeq: 0, check: refuse } })).rejects.toBeInstanceOf(Refused)
      const second = await store.conversations.insertMessage(message(w, c.id))
      return { first: first.message, second: second.message }
    })
    // A message takes two seqs (its entry and the conversation's): none went to the refused reply.
    expect(second.seq).toBe(first.seq + 2)
    expect(await twin.conversations.getMessage(refused.id)).toBeNull()
    expect((await twin.conversations.listMessages(c.id)).map((m) => m.id)).toEqual([first.id, second.id])
  })

  it('calls made at the same time inside take turns: each whole, a refused one undone alone, each seq taken once', async () => {
    const w = await seedAccount(store)
    const c = await newConversation(store, w)
    const before = await store.feed.lastSeq(w.accountId)
    const messages = Array.from({ length: 20 }, (_, i) => ({ ...message(w, c.id), ...(i % 4 === 1 ? { guard: { afterSeq: 0, check: refuse } } : {}) }))
    const results = await store.inOneTransaction(() =>
      Promise.allSettled([
        ...messages.map((m) => store.conversations.insertMessage(m)),
        ...Array.from({ length: 5 }, () => store.contacts.insertContact(newContact(w.accountId))),
      ]),
    )
    expect(results.filter((r) => r.status === 'rejected').map((r) => r.reason)).toEqual(Array.from({ length: 5 }, () => expect.any(Refused)))
    const taken = results.flatMap((r) => (r.status === 'rejected' ? [] : Array.isArray(r.value) ? r.value : r.value.entries)).map((e) => e.seq)
    // 15 messages of two seqs each and 5 contacts: 35 numbers, each once, none lost to a refused reply.
    expect([...taken].sort((a, b) => a - b)).toEqual(Array.from({ length: 35 }, (_, i) => before + 1 + i))
    const stored = (await twin.conversations.listMessages(c.id)).map((m) => m.id).sort()
    expect(stored).toEqual(messages.filter((m) => !m.guard).map((m) => m.id).sort())
    expect(await twin.feed.lastSeq(w.accountId)).toBe(before + 35)
  })

  it('a call it started and did not await is committed with it', async () => {
    const w = await seedAccount(store)
    const contact = newContact(w.accountId)
    await store.inOneTransaction(async () => {
      void store.contacts.insertContact(contact)
    })
    expect(await twin.contacts.getContact(contact.id)).toEqual(contact)
  })

  it('a call made after it ended, by work it started, runs on its own', async () => {
    const w = await seedAccount(store)
    const contact = newContact(w.accountId)
    let later: Promise<unknown> = Promise.resolve()
    await store.inOneTransaction(async () => {
      later = new Promise((resolve, reject) => setTimeout(() => store.contacts.insertContact(contact).then(resolve, reject), 0))
    })
    await later
    expect(await twin.contacts.getContact(contact.id)).toEqual(contact)
  })

  it('a failed statement whose error was swallowed: PostgreSQL cannot go on and it rejects, SQLite goes on', async () => {
    const w = await seedAccount(store)
    const contact = newContact(w.accountId)
    const outcome = store.inOneTransaction(async () => {
      await store.contacts.insertContact(contact)
      await rawRun(store, 'SELECT * FROM no_such_table').catch(() => undefined)
    })
    if (backend.name === 'postgres') {
      // PostgreSQL answers COMMIT with ROLLBACK here: reported, not taken for a commit.
      await expect(outcome).rejects.toThrow(/none of it was kept/)
      expect(await twin.contacts.getContact(contact.id)).toBeNull()
    } else {
      await outcome
      expect(await twin.contacts.getContact(contact.id)).toEqual(contact)
    }
  })

  it('one inside another joins it: a throw in the outer one undoes the inner one too', async () => {
    const w = await seedAccount(store)
    const contact = newContact(w.accountId)
    await expect(
      store.inOneTransaction(async () => {
        await store.inOneTransaction(() => store.contacts.insertContact(contact))
        throw new Error('outer fails')
      }),
    ).rejects.toThrow('outer fails')
    expect(await twin.contacts.getContact(contact.id)).toBeNull()
  })
})

function refuse(): never {
  throw new Refused()
}

const message = (w: World, conversationId: string, kind: NewMessage['kind'] = 'incoming'): NewMessage => ({
  id: randomUUID(),
  accountId: w.accountId,
  conversationId,
  kind,
  body: 'Hello',
  authorAgentId: kind === 'incoming' ? null : w.agentId,
  createdAt: 5_000,
})
