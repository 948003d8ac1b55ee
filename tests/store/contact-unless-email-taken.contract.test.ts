import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { storeBackends } from '../support/stores.ts'
import { feedOf, newContact, seedAccount, useStore } from './fixture.ts'

// A customer's first messages through two channels at once (or two processes) make one contact: the
// store checks the address and inserts as one step (ContactService.findOrCreate relies on it).

describe.each(storeBackends())('contacts: insert unless the email is taken ($name)', (backend) => {
  const opened = useStore(backend)

  it('inserts a new address with its entry; an address already there returns that contact and writes nothing', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const email = `first-${randomUUID()}@example.com`
    const contact = { ...newContact(w.accountId, 10, { name: 'First' }), email }
    const made = await store.contacts.insertContactUnlessEmailTaken(contact)
    expect(made).toEqual({ contact, entries: [{ seq: await store.feed.lastSeq(w.accountId), kind: 'contact', contact }] })

    const seq = await store.feed.lastSeq(w.accountId)
    const again = await store.contacts.insertContactUnlessEmailTaken({ ...newContact(w.accountId, 20, { name: 'Second' }), email })
    expect(again).toEqual({ contact, entries: [] })
    expect(await store.feed.lastSeq(w.accountId)).toBe(seq)
  })

  it('another account may have the same address', async () => {
    const { store } = opened
    const [a, b] = [await seedAccount(store), await seedAccount(store)]
    const email = `shared-${randomUUID()}@example.com`
    await store.contacts.insertContactUnlessEmailTaken({ ...newContact(a.accountId), email })
    const inB = { ...newContact(b.accountId), email }
    expect((await store.contacts.insertContactUnlessEmailTaken(inB)).contact).toEqual(inB)
  })

  it('eight inserts of one address at once make one contact and one feed entry', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const email = `race-${randomUUID()}@example.com`
    // Every connection of a PostgreSQL pool open first: else the first insert may commit before the
    // others have connected, and there is no race to speak of.
    await Promise.all(Array.from({ length: 8 }, () => store.feed.lastSeq(w.accountId)))
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => store.contacts.insertContactUnlessEmailTaken({ ...newContact(w.accountId, 100 + i, { name: `Try ${i}` }), email })),
    )
    const ids = new Set(results.map((r) => r.contact.id))
    expect(ids.size).toBe(1)
    expect(results.flatMap((r) => r.entries)).toHaveLength(1)
    const entries = (await feedOf(store, w.accountId)).filter((e) => e.kind === 'contact' && e.contact.email === email)
    expect(entries.map((e) => (e.kind === 'contact' ? e.contact.id : null))).toEqual([...ids])
  })
})
