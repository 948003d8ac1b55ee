import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { EmailRecord } from '../../server/store/email.ts'
import { storeBackends } from '../support/stores.ts'
import { type World, newConversation, seedAccount, useStore } from './fixture.ts'

// Email threading records: a mail is known by account, sender and Message-ID together (a spoofed
// copy never hides the real one), looked up in bulk for threading, and in message order for replies.

const mail = (w: World, conversationId: string, fields: Partial<EmailRecord> = {}): EmailRecord => ({
  rfcMessageId: `<${randomUUID()}@mail.example.net>`,
  accountId: w.accountId,
  sender: 'carol@example.net',
  conversationId,
  messageId: null,
  direction: 'inbound',
  subject: 'Order 1234',
  createdAt: 1_000,
  ...fields,
})

describe.each(storeBackends())('email store ($name)', (backend) => {
  const opened = useStore(backend)

  it('records a mail once per account, sender and Message-ID; the first record stays', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const other = await seedAccount(store)
    const c = await newConversation(store, w)
    const m = mail(w, c.id)
    expect(await store.email.record(m)).toBe(true)
    expect(await store.email.record({ ...m, subject: 'Changed', createdAt: 2_000 })).toBe(false)
    expect(await store.email.get(w.accountId, m.sender, m.rfcMessageId)).toEqual(m)
    // The same Message-ID from someone else, or in another account, is another mail.
    const spoof = { ...m, sender: 'mallory@example.org', subject: 'Spoof' }
    expect(await store.email.record(spoof)).toBe(true)
    expect(await store.email.record({ ...m, accountId: other.accountId })).toBe(true)
    expect(await store.email.get(w.accountId, m.sender, m.rfcMessageId)).toEqual(m)
    expect(await store.email.get(w.accountId, spoof.sender, m.rfcMessageId)).toEqual(spoof)
    expect(await store.email.get(w.accountId, 'nobody@example.net', m.rfcMessageId)).toBeNull()
  })

  it('finds the account\'s records among Message-IDs, whoever sent them', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const other = await seedAccount(store)
    const c = await newConversation(store, w)
    const a = mail(w, c.id)
    const b = mail(w, c.id, { direction: 'outbound', sender: 'help@acme.test', subject: null })
    const bSpoof = { ...b, sender: 'mallory@example.org' }
    const elsewhere = mail(other, c.id)
    for (const r of [a, b, bSpoof, elsewhere]) await store.email.record(r)
    const found = await store.email.findMany(w.accountId, [a.rfcMessageId, b.rfcMessageId, elsewhere.rfcMessageId, '<unknown@x>'])
    const key = (r: EmailRecord) => `${r.rfcMessageId} ${r.sender}`
    expect(found.map(key).sort()).toEqual([a, b, bSpoof].map(key).sort())
    expect(await store.email.findMany(w.accountId, [])).toEqual([])
  })

  it('looks up at most 100 Message-IDs', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const c = await newConversation(store, w)
    const last = mail(w, c.id)
    await store.email.record(last)
    const ids = [...Array.from({ length: 100 }, (_, i) => `<filler-${i}@x>`), last.rfcMessageId]
    expect(await store.email.findMany(w.accountId, ids)).toEqual([])
    expect(await store.email.findMany(w.accountId, ids.slice(1))).toEqual([last])
  })

  it('the thread before a message is the conversation\'s mails of earlier messages, in message order', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const c = await newConversation(store, w)
    const other = await newConversation(store, w)
    const seqs: number[] = []
    const records: EmailRecord[] = []
    for (const [i, direction] of (['inbound', 'outbound', 'inbound'] as const).entries()) {
      const messageId = randomUUID()
      const { message } = await store.conversations.insertMessage({
        id: messageId,
        accountId: w.accountId,
        conversationId: c.id,
        kind: direction === 'inbound' ? 'incoming' : 'reply',
        body: `m${i}`,
        authorAgentId: direction === 'inbound' ? null : w.agentId,
        createdAt: 5_000 + i,
      })
      seqs.push(message.seq)
      // Recorded out of order: the thread follows the messages, not the records.
      records.unshift(mail(w, c.id, { messageId, direction, createdAt: 9_000 - i }))
    }
    for (const r of records) await store.email.record(r)
    // A record with no message yet, and another conversation's mail, are not in the thread.
    await store.email.record(mail(w, c.id))
    await store.email.record(mail(w, other.id, { messageId: randomUUID() }))
    const [third, second, first] = records
    expect(await store.email.threadBefore(c.id, seqs[2]!)).toEqual([first, second])
    expect(await store.email.threadBefore(c.id, seqs[2]! + 1)).toEqual([first, second, third])
    expect(await store.email.threadBefore(c.id, seqs[0]!)).toEqual([])
  })

  it('the subject is the first inbound mail\'s that has one; ties in order of recording', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const c = await newConversation(store, w)
    expect(await store.email.subjectOf(c.id)).toBeNull()
    await store.email.record(mail(w, c.id, { direction: 'outbound', subject: 'Re: Ours', createdAt: 1 }))
    await store.email.record(mail(w, c.id, { subject: null, createdAt: 2 }))
    await store.email.record(mail(w, c.id, { subject: '', createdAt: 3 }))
    expect(await store.email.subjectOf(c.id)).toBeNull()
    await store.email.record(mail(w, c.id, { subject: 'Later', createdAt: 20 }))
    await store.email.record(mail(w, c.id, { subject: 'Zebra first', createdAt: 10 }))
    await store.email.record(mail(w, c.id, { subject: 'Apple second', createdAt: 10 }))
    expect(await store.email.subjectOf(c.id)).toBe('Zebra first')
  })
})
