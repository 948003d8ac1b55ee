import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { AttributeDefinition } from '../../shared/schemas/attributes.ts'
import { storeBackends } from '../support/stores.ts'
import { feedOf, seedAccount, useStore } from './fixture.ts'

// Contact custom attributes: each change of a definition republishes the account's directory (which
// carries them) in its transaction; a contact's values merge per key, also under concurrent writes.

describe.each(storeBackends())('attributes store ($name)', (backend) => {
  const opened = useStore(backend)
  const definition = (accountId: string, key: string, fields: Partial<AttributeDefinition> = {}): AttributeDefinition => ({
    id: randomUUID(),
    accountId,
    key,
    label: key.toUpperCase(),
    type: 'text',
    createdAt: 5_000,
    ...fields,
  })

  it('inserts, renames and deletes definitions, each with a superseding directory entry that carries them', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const other = await seedAccount(store)
    const vip = definition(w.accountId, 'vip', { label: 'VIP', type: 'checkbox' })
    const inserted = await store.attributes.insert(vip)
    expect(inserted).toMatchObject({ ok: true, attribute: vip })
    const seats = definition(w.accountId, 'seats', { label: 'Seats', type: 'number' })
    await store.attributes.insert(seats)
    expect(await store.attributes.insert(definition(w.accountId, 'vip'))).toEqual({ ok: false, reason: 'key_taken' })
    // The same key in another account is another attribute.
    expect((await store.attributes.insert(definition(other.accountId, 'vip'))).ok).toBe(true)
    expect((await store.attributes.list(w.accountId)).map((a) => a.key)).toEqual(['seats', 'vip'])

    const renamed = await store.attributes.rename(w.accountId, vip.id, 'Very important')
    expect(renamed).toMatchObject({ ok: true, attribute: { ...vip, label: 'Very important' } })
    expect(await store.attributes.rename(other.accountId, vip.id, 'Mine')).toEqual({ ok: false, reason: 'not_found' })
    const directories = (await feedOf(store, w.accountId)).filter((e) => e.kind === 'directory')
    expect(directories).toHaveLength(1)
    expect(directories[0]!.kind === 'directory' && directories[0]!.directory.attributes).toEqual([seats, { ...vip, label: 'Very important' }])

    const removed = await store.attributes.remove(w.accountId, seats.id)
    expect(removed.ok).toBe(true)
    expect(await store.attributes.remove(w.accountId, seats.id)).toEqual({ ok: false, reason: 'not_found' })
    expect((await store.admin.directory(w.accountId)).attributes.map((a) => a.key)).toEqual(['vip'])
  })

  it("merges a contact's values per key (null removes one) with a superseding contact entry; another account's contact is null", async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const other = await seedAccount(store)
    const first = await store.attributes.setContactAttributes(w.accountId, w.contactId, { plan: 'pro', seats: 3 })
    expect(first?.contact.attributes).toEqual({ plan: 'pro', seats: 3 })
    const second = await store.attributes.setContactAttributes(w.accountId, w.contactId, { seats: null, vip: true })
    expect(second?.contact.attributes).toEqual({ plan: 'pro', vip: true })
    expect(second!.entries[0]!.seq).toBeGreaterThan(first!.entries[0]!.seq)
    expect(await store.contacts.getContact(w.contactId)).toEqual(second!.contact)
    const entries = (await feedOf(store, w.accountId)).filter((e) => e.kind === 'contact')
    expect(entries).toEqual([{ seq: second!.entries[0]!.seq, kind: 'contact', contact: second!.contact }])
    expect(await store.attributes.setContactAttributes(other.accountId, w.contactId, { plan: 'stolen' })).toBeNull()
  })

  it('concurrent writes of different keys all survive', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const keys = Array.from({ length: 12 }, (_, i) => `k${i}`)
    await Promise.all(keys.map((key, i) => store.attributes.setContactAttributes(w.accountId, w.contactId, { [key]: i })))
    expect((await store.contacts.getContact(w.contactId))?.attributes).toEqual(Object.fromEntries(keys.map((k, i) => [k, i])))
  })
})
