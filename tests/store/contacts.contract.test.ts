import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { storeBackends } from '../support/stores.ts'
import { feedOf, newContact, seedAccount, useStore } from './fixture.ts'

// Customers: each write is one `contact` entry that supersedes the contact's older ones, so a
// catch-up reads each contact once, in its latest version.

describe.each(storeBackends())('contacts store ($name)', (backend) => {
  const opened = useStore(backend)

  it('inserts a contact with its entry and reads it back, unverified email included', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const contact = newContact(w.accountId, 50, { name: 'Dee', unverifiedEmail: 'typed@example.com', attributes: { plan: 'pro', seats: 3, vip: true } })
    const entries = await store.contacts.insertContact(contact)
    expect(entries).toEqual([{ seq: (await store.feed.lastSeq(w.accountId)), kind: 'contact', contact }])
    expect(await store.contacts.getContact(contact.id)).toEqual(contact)
    expect(await store.contacts.getContact(randomUUID())).toBeNull()
  })

  it('an update replaces name and attributes and supersedes the older entry', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const contact = newContact(w.accountId)
    const [first] = await store.contacts.insertContact(contact)
    const renamed = { ...contact, name: 'Carol C.', attributes: { plan: 'free' } }
    const [second] = await store.contacts.updateContact(renamed)
    expect(second!.seq).toBe(first!.seq + 1)
    expect(await store.contacts.getContact(contact.id)).toEqual(renamed)
    const ofContact = (await feedOf(store, w.accountId)).filter((e) => e.kind === 'contact' && e.contact.id === contact.id)
    expect(ofContact).toEqual([{ seq: second!.seq, kind: 'contact', contact: renamed }])
  })

  it('finds the oldest contact of the account by email, in any case, and no other account\'s', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const other = await seedAccount(store)
    const email = `Mixed-${randomUUID()}@Example.com`
    const older = newContact(w.accountId, 10, { email })
    const newer = newContact(w.accountId, 20, { email: email.toLowerCase() })
    await store.contacts.insertContact(newer)
    await store.contacts.insertContact(older)
    await store.contacts.insertContact(newContact(other.accountId, 5, { email }))
    expect((await store.contacts.findContactByEmail(w.accountId, email.toUpperCase()))?.id).toBe(older.id)
    expect(await store.contacts.findContactByEmail(w.accountId, `nobody-${randomUUID()}@example.com`)).toBeNull()
    // An unverified address is shown, never matched.
    const typed = `typed-${randomUUID()}@example.com`
    await store.contacts.insertContact(newContact(w.accountId, 30, { unverifiedEmail: typed }))
    expect(await store.contacts.findContactByEmail(w.accountId, typed)).toBeNull()
  })

  it('a contact of an unknown account is not written, nor any entry', async () => {
    const { store } = opened
    const contact = newContact(randomUUID())
    await expect(store.contacts.insertContact(contact)).rejects.toThrow()
    expect(await store.contacts.getContact(contact.id)).toBeNull()
  })
})
