import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { NewMessage } from '../../server/store/conversations.ts'
import type { NewJob } from '../../server/store/jobs.ts'
import type { Store } from '../../server/store/types.ts'
import { storeBackends } from '../support/stores.ts'
import { type World, feedOf, jobsOf, newConversation, rawRows, rawRun, seedAccount, useStore } from './fixture.ts'

// Messages: idempotent on their id (a retry, or a racing duplicate, returns the first and writes
// nothing), each with its `message` entry and the conversation's new projection as the next entry,
// its attachments linked and its jobs queued in the same transaction, only when new.

const message = (w: World, conversationId: string, fields: Partial<NewMessage> = {}): NewMessage => ({
  id: randomUUID(),
  accountId: w.accountId,
  conversationId,
  kind: 'incoming',
  body: 'Hello there',
  authorAgentId: null,
  createdAt: 5_000,
  ...fields,
})

const mailJob = (accountId: string): NewJob => ({ id: randomUUID(), kind: 'email', accountId, dedupeKey: `m-${randomUUID()}`, payload: {}, runAt: 0 })

async function uploaded(store: Store, accountId: string, name: string) {
  const a = { id: randomUUID(), name, contentType: 'text/plain', size: 3, sha256: 'a'.repeat(64) }
  await rawRun(store, 'INSERT INTO attachments (id, account_id, sha256, name, content_type, size, uploaded_by, created_at, message_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)', [
    a.id, accountId, a.sha256, a.name, a.contentType, a.size, null, 1, null,
  ])
  return a
}

describe.each(storeBackends())('messages store ($name)', (backend) => {
  const opened = useStore(backend)

  it('inserts a message with its entry and the conversation\'s next entry, and moves the projection', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const c = await newConversation(store, w, 1_000)
    const m = message(w, c.id, { body: 'My **order** is late', createdAt: 5_000 })
    const result = await store.conversations.insertMessage(m)
    expect(result.created).toBe(true)
    const seq = result.message.seq
    expect(result.message).toEqual({ ...m, seq, attachments: [] })
    expect(result.entries.map((e) => [e.kind, e.seq])).toEqual([['message', seq], ['conversation', seq + 1]])
    const row = (await store.conversations.getConversation(c.id))!.row
    expect(row).toMatchObject({
      lastActivityAt: 5_000,
      lastMessage: { kind: 'incoming', body: 'My order is late', at: 5_000, authorAgentId: null },
      lastMessageSeq: seq,
      lastCustomerMessageSeq: seq,
      lastVisibleSeq: seq,
    })
    expect(result.entries[1]).toMatchObject({ kind: 'conversation', conversation: row })
    expect(await store.conversations.getMessage(m.id)).toEqual(result.message)
    expect(await store.conversations.getMessage(randomUUID())).toBeNull()
  })

  it('a reply, a note and an activity line each move only what they should', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const c = await newConversation(store, w, 1_000)
    const incoming = await store.conversations.insertMessage(message(w, c.id, { createdAt: 5_000 }))
    const reply = await store.conversations.insertMessage(message(w, c.id, { kind: 'reply', authorAgentId: w.agentId, body: 'On it', createdAt: 6_000 }))
    let row = (await store.conversations.getConversation(c.id))!.row
    expect(row).toMatchObject({ lastCustomerMessageSeq: incoming.message.seq, lastVisibleSeq: reply.message.seq, lastMessageSeq: reply.message.seq })
    expect(row.lastMessage).toEqual({ kind: 'reply', body: 'On it', at: 6_000, authorAgentId: w.agentId })

    // An older timestamp (a late email) never moves activity back.
    const note = await store.conversations.insertMessage(message(w, c.id, { kind: 'note', authorAgentId: w.agentId, body: 'internal', createdAt: 5_500 }))
    row = (await store.conversations.getConversation(c.id))!.row
    expect(row).toMatchObject({ lastActivityAt: 6_000, lastVisibleSeq: reply.message.seq, lastMessageSeq: note.message.seq })
    expect(row.lastMessage?.kind).toBe('note')

    const activity = await store.conversations.insertMessage(message(w, c.id, { kind: 'activity', body: 'Alice resolved', createdAt: 9_000 }))
    row = (await store.conversations.getConversation(c.id))!.row
    expect(row).toMatchObject({ lastActivityAt: 6_000, lastMessageSeq: activity.message.seq })
    expect(row.lastMessage?.kind).toBe('note')

    expect((await store.conversations.listMessages(c.id)).map((x) => x.kind)).toEqual(['incoming', 'reply', 'note', 'activity'])
    expect((await store.conversations.visibleMessagesAfter(c.id, 0)).map((x) => x.id)).toEqual([incoming.message.id, reply.message.id])
    expect((await store.conversations.visibleMessagesAfter(c.id, incoming.message.seq)).map((x) => x.id)).toEqual([reply.message.id])
    expect(await store.conversations.visibleMessagesAfter(c.id, activity.message.seq)).toEqual([])
  })

  it('a second insert of the same id returns the first message and writes nothing: no entry, no seq, no job', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const c = await newConversation(store, w)
    const m = message(w, c.id, { kind: 'reply', authorAgentId: w.agentId, jobs: [mailJob(w.accountId)] })
    const first = await store.conversations.insertMessage(m)
    const lastSeq = await store.feed.lastSeq(w.accountId)
    const again = await store.conversations.insertMessage({ ...m, body: 'edited on retry', jobs: [mailJob(w.accountId)] })
    expect(again).toEqual({ message: first.message, created: false, entries: [] })
    expect(await store.feed.lastSeq(w.accountId)).toBe(lastSeq)
    expect((await jobsOf(store, w.accountId)).map((j) => j.id)).toEqual([m.jobs![0]!.id])
    expect(await store.conversations.listMessages(c.id)).toHaveLength(1)
  })

  it('racing inserts of one id: one is created, the others return it, and no seq is lost or doubled', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const c = await newConversation(store, w)
    const before = await store.feed.lastSeq(w.accountId)
    const m = message(w, c.id, { jobs: [mailJob(w.accountId)] })
    const results = await Promise.all(Array.from({ length: 8 }, () => store.conversations.insertMessage(m)))
    expect(results.filter((r) => r.created)).toHaveLength(1)
    const created = results.find((r) => r.created)!
    for (const r of results) expect(r.message).toEqual(created.message)
    expect(created.message.seq).toBe(before + 1)
    expect(await store.feed.lastSeq(w.accountId)).toBe(before + 2)
    expect(await jobsOf(store, w.accountId)).toHaveLength(1)
    const entries = await feedOf(store, w.accountId)
    expect(entries.filter((e) => e.kind === 'message' && e.message.id === m.id)).toHaveLength(1)
  })

  it('links the message\'s uploads (only the account\'s, only unlinked ones) and queues its jobs with it', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const other = await seedAccount(store)
    const c = await newConversation(store, w)
    const mine = await uploaded(store, w.accountId, 'invoice.pdf')
    const theirs = await uploaded(store, other.accountId, 'secret.pdf')
    const job = mailJob(w.accountId)
    const m = message(w, c.id, { kind: 'reply', body: '  ', authorAgentId: w.agentId, attachments: [mine, theirs], jobs: [job] })
    const result = await store.conversations.insertMessage(m)
    expect(result.message.attachments).toEqual([mine, theirs])
    const links = await rawRows<{ id: string; message_id: string | null }>(store, 'SELECT id, message_id FROM attachments WHERE id IN ($1, $2) ORDER BY name', [mine.id, theirs.id])
    expect(Object.fromEntries(links.map((l) => [l.id, l.message_id]))).toEqual({ [mine.id]: m.id, [theirs.id]: null })
    // A message of files only previews as their names.
    expect((await store.conversations.getConversation(c.id))!.row.lastMessage?.body).toBe('📎 invoice.pdf, secret.pdf')
    expect(await jobsOf(store, w.accountId)).toEqual([{ id: job.id, kind: 'email', dedupe_key: job.dedupeKey, created_at: m.createdAt }])

    // An upload already sent with another message stays that message's.
    const second = await store.conversations.insertMessage(message(w, c.id, { kind: 'reply', authorAgentId: w.agentId, attachments: [mine] }))
    expect(second.created).toBe(true)
    expect((await rawRows<{ message_id: string }>(store, 'SELECT message_id FROM attachments WHERE id = $1', [mine.id]))[0]!.message_id).toBe(m.id)
  })

  it('keeps an email\'s sender verification and a note\'s mentions, and leaves them out when absent', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const c = await newConversation(store, w)
    const unverified = await store.conversations.insertMessage(message(w, c.id, { senderVerified: false }))
    const verified = await store.conversations.insertMessage(message(w, c.id, { senderVerified: true }))
    const note = await store.conversations.insertMessage(message(w, c.id, { kind: 'note', authorAgentId: w.agentId, mentions: [w.agentId] }))
    const plain = await store.conversations.insertMessage(message(w, c.id, { kind: 'note', authorAgentId: w.agentId, mentions: [] }))
    expect((await store.conversations.getMessage(unverified.message.id))?.senderVerified).toBe(false)
    expect((await store.conversations.getMessage(verified.message.id))?.senderVerified).toBe(true)
    expect((await store.conversations.getMessage(note.message.id))?.mentions).toEqual([w.agentId])
    const stored = await store.conversations.getMessage(plain.message.id)
    expect(stored).not.toHaveProperty('mentions')
    expect(stored).not.toHaveProperty('senderVerified')
    expect(plain.message).toEqual(stored)
  })

  it('a message of an unknown conversation is refused and takes no seq', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const before = await store.feed.lastSeq(w.accountId)
    await expect(store.conversations.insertMessage(message(w, randomUUID()))).rejects.toThrow()
    expect(await store.feed.lastSeq(w.accountId)).toBe(before)
  })
})
