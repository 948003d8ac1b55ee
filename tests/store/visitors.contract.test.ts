import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { VisitorRecord } from '../../server/store/visitors.ts'
import { storeBackends } from '../support/stores.ts'
import { type World, feedOf, newContact, seedAccount, useStore } from './fixture.ts'

// Website visitors: a row costs no contact; the first message makes exactly one contact (with its
// entry), however many messages race for it; revocation is per contact and reports what it revoked.

const visitorOf = (w: World, fields: Partial<VisitorRecord> = {}): VisitorRecord => ({
  id: randomUUID(),
  accountId: w.accountId,
  inboxId: w.inboxId,
  contactId: null,
  name: 'Visitor 1A2B',
  email: null,
  createdAt: 100,
  revokedAt: null,
  ...fields,
})

describe.each(storeBackends())('visitors store ($name)', (backend) => {
  const opened = useStore(backend)

  it('inserts and reads a visitor; an unknown id is null', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const v = visitorOf(w, { email: 'typed@example.com' })
    await store.visitors.insert(v)
    expect(await store.visitors.get(v.id)).toEqual(v)
    expect(await store.visitors.get(randomUUID())).toBeNull()
  })

  it('contactFor creates the contact once, with one entry, and returns it to every later call', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const v = visitorOf(w)
    await store.visitors.insert(v)
    const first = newContact(w.accountId, 200, { name: v.name })
    const made = await store.visitors.contactFor(v.id, first)
    expect(made.contact).toEqual(first)
    expect(made.entries).toEqual([{ seq: await store.feed.lastSeq(w.accountId), kind: 'contact', contact: first }])
    expect((await store.visitors.get(v.id))?.contactId).toBe(first.id)

    const again = await store.visitors.contactFor(v.id, newContact(w.accountId, 300))
    expect(again).toEqual({ contact: first, entries: [] })
    await expect(store.visitors.contactFor(randomUUID(), newContact(w.accountId))).rejects.toThrow()
  })

  it('concurrent first messages of one visitor make one contact', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const v = visitorOf(w)
    await store.visitors.insert(v)
    const results = await Promise.all(Array.from({ length: 6 }, () => store.visitors.contactFor(v.id, newContact(w.accountId, 200))))
    const ids = new Set(results.map((r) => r.contact.id))
    expect(ids.size).toBe(1)
    expect(results.filter((r) => r.entries.length === 1)).toHaveLength(1)
    const contactEntries = (await feedOf(store, w.accountId)).filter((e) => e.kind === 'contact' && e.contact.id !== w.contactId)
    expect(contactEntries.map((e) => e.kind === 'contact' && e.contact.id)).toEqual([...ids])
  })

  it('revokes the live visitors of a contact, once; null for a contact no visitor has, or of another account', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const contact = newContact(w.accountId)
    await store.contacts.insertContact(contact)
    const a = visitorOf(w, { contactId: contact.id })
    const b = visitorOf(w, { contactId: contact.id })
    const old = visitorOf(w, { contactId: contact.id, revokedAt: 50 })
    for (const v of [a, b, old]) await store.visitors.insert(v)

    expect((await store.visitors.revokeOfContact(w.accountId, contact.id, 500))?.sort()).toEqual([a.id, b.id].sort())
    expect((await store.visitors.get(a.id))?.revokedAt).toBe(500)
    expect((await store.visitors.get(old.id))?.revokedAt).toBe(50)
    expect(await store.visitors.revokeOfContact(w.accountId, contact.id, 600)).toEqual([])
    expect(await store.visitors.revokeOfContact(randomUUID(), contact.id, 600)).toBeNull()
    expect(await store.visitors.revokeOfContact(w.accountId, w.contactId, 600)).toBeNull()
  })
})
