import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { decodeBytes } from '../../shared/base64.ts'
import { type ConversationState, emptyConversationState } from '../../shared/project-conversation.ts'
import type { NewJob } from '../../server/store/jobs.ts'
import { storeBackends } from '../support/stores.ts'
import { feedOf, jobsOf, newContact, newConversation, seedAccount, useStore } from './fixture.ts'

// Conversations: numbered per account, their projection saved with the doc state as one superseding
// `conversation` entry (and the jobs the change causes, in the same transaction), looked up by
// contact, and woken from snooze.

const snoozed = (until: number): ConversationState => ({ ...emptyConversationState, status: 'snoozed', snoozedUntil: until })
const job = (accountId: string, dedupeKey: string | null = null): NewJob => ({
  id: randomUUID(),
  kind: 'webhook',
  accountId,
  dedupeKey,
  payload: { hello: 'world' },
  runAt: 7_000,
})

describe.each(storeBackends())('conversations store ($name)', (backend) => {
  const opened = useStore(backend)

  it('numbers conversations per account from 1 and returns the row, its entry and its doc state', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const other = await seedAccount(store)
    const a = await newConversation(store, w, 2_000)
    const b = await newConversation(store, w, 2_100)
    const c = await newConversation(store, other, 2_200)
    expect([a.row.number, b.row.number, c.row.number]).toEqual([1, 2, 1])
    expect(a.row).toMatchObject({
      id: a.id,
      accountId: w.accountId,
      inboxId: w.inboxId,
      contactId: w.contactId,
      createdAt: 2_000,
      lastActivityAt: 2_000,
      lastMessage: null,
      lastMessageSeq: 0,
      status: 'open',
      labels: [],
    })
    expect(a.entries).toHaveLength(1)
    const entry = a.entries[0]!
    expect(entry.kind === 'conversation' && [entry.conversation, [...decodeBytes(entry.state)]]).toEqual([a.row, [1, 2, 3]])
    const stored = await store.conversations.getConversation(a.id)
    expect(stored?.row).toEqual(a.row)
    expect([...stored!.docState!]).toEqual([1, 2, 3])
    expect(await store.conversations.getConversation(randomUUID())).toBeNull()
  })

  it('concurrent creations take numbers 1..N, each once', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const made = await Promise.all(Array.from({ length: 12 }, () => newConversation(store, w)))
    expect(made.map((m) => m.row.number).sort((x, y) => x - y)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1))
  })

  it('saves a new projection and doc state as one superseding entry, with its jobs', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const c = await newConversation(store, w)
    const state: ConversationState = {
      ...emptyConversationState,
      status: 'pending',
      statusSeenSeq: 4,
      statusBy: w.agentId,
      statusAt: 3_000,
      assigneeId: w.agentId,
      priority: 'high',
      labels: ['vip', 'billing'],
    }
    const jobs = [job(w.accountId, `d-${randomUUID()}`), job(w.accountId)]
    const entries = await store.conversations.saveConversationState(c.id, state, new Uint8Array([9, 9]), jobs)
    expect(entries).toHaveLength(1)
    const saved = await store.conversations.getConversation(c.id)
    expect(saved!.row).toEqual({ ...c.row, ...state })
    expect([...saved!.docState!]).toEqual([9, 9])
    expect(entries[0]).toMatchObject({ kind: 'conversation', conversation: saved!.row })
    expect(entries[0]!.seq).toBe(await store.feed.lastSeq(w.accountId))
    const ofConversation = (await feedOf(store, w.accountId)).filter((e) => e.kind === 'conversation' && e.conversation.id === c.id)
    expect(ofConversation.map((e) => e.seq)).toEqual([entries[0]!.seq])
    expect((await jobsOf(store, w.accountId)).map((j) => j.id).sort()).toEqual(jobs.map((j) => j.id).sort())

    // The same dedupe key again queues nothing more.
    await store.conversations.saveConversationState(c.id, { ...state, priority: 'low' }, new Uint8Array([1]), [{ ...job(w.accountId), dedupeKey: jobs[0]!.dedupeKey }])
    expect(await jobsOf(store, w.accountId)).toHaveLength(2)
  })

  it('saving an unknown conversation writes nothing: no entry, no seq, no jobs', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const before = await store.feed.lastSeq(w.accountId)
    expect(await store.conversations.saveConversationState(randomUUID(), emptyConversationState, new Uint8Array([1]), [job(w.accountId)])).toEqual([])
    expect(await store.feed.lastSeq(w.accountId)).toBe(before)
    expect(await jobsOf(store, w.accountId)).toEqual([])
  })

  it('finds the contact\'s newest unresolved conversation in an inbox, and lists the contact\'s conversations newest first', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const old = await newConversation(store, w, 1_000)
    const mid = await newConversation(store, w, 2_000)
    const resolved = await newConversation(store, w, 3_000, { ...emptyConversationState, status: 'resolved' })
    expect((await store.conversations.findUnresolvedConversation(w.inboxId, w.contactId))?.id).toBe(mid.id)
    await store.conversations.saveConversationState(mid.id, { ...emptyConversationState, status: 'resolved' }, new Uint8Array([1]))
    expect((await store.conversations.findUnresolvedConversation(w.inboxId, w.contactId))?.id).toBe(old.id)
    expect(await store.conversations.findUnresolvedConversation(randomUUID(), w.contactId)).toBeNull()

    const stranger = newContact(w.accountId)
    await store.contacts.insertContact(stranger)
    expect(await store.conversations.findUnresolvedConversation(w.inboxId, stranger.id)).toBeNull()
    expect((await store.conversations.listConversationsOfContact(w.contactId)).map((r) => r.id)).toEqual([resolved.id, mid.id, old.id])
    expect(await store.conversations.listConversationsOfContact(stranger.id)).toEqual([])
  })

  it('reports snoozes due at now (inclusive) and the earliest later wake-up', async () => {
    const { store } = opened
    // Snoozes are read across accounts: a store of its own keeps other tests' conversations out.
    const own = await backend.open()
    try {
      const s = own.store
      const w = await seedAccount(s)
      const due = await newConversation(s, w, 1, snoozed(5_000))
      const edge = await newConversation(s, w, 2, snoozed(6_000))
      await newConversation(s, w, 3, snoozed(9_000))
      await newConversation(s, w, 4, snoozed(8_000))
      await newConversation(s, w, 5, { ...emptyConversationState, status: 'open' })
      const result = await s.conversations.dueSnoozes(6_000)
      expect(result.due.sort((x, y) => x.id.localeCompare(y.id))).toEqual(
        [due, edge].map((c) => ({ id: c.id, accountId: w.accountId })).sort((x, y) => x.id.localeCompare(y.id)),
      )
      expect(result.next).toBe(8_000)
      expect(await s.conversations.dueSnoozes(10_000)).toMatchObject({ next: null })
    } finally {
      await own.close()
    }
  })
})
