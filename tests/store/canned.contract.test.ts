import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { NewCanned } from '../../server/store/canned.ts'
import { storeBackends } from '../support/stores.ts'
import { feedOf, seedAccount, useStore } from './fixture.ts'

// Canned responses: a short code names one live response per account; each change appends a
// superseding `canned` entry (a deletion leaves a tombstone), and a refused change takes no seq.

const canned = (accountId: string, fields: Partial<NewCanned> = {}): NewCanned => ({
  id: randomUUID(),
  accountId,
  shortCode: 'hello',
  content: 'Hello {{contact.name}}',
  createdBy: null,
  updatedAt: 1_000,
  ...fields,
})

describe.each(storeBackends())('canned store ($name)', (backend) => {
  const opened = useStore(backend)

  it('inserts a response with its entry and lists the live ones by short code (binary order)', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const other = await seedAccount(store)
    const hello = canned(w.accountId, { createdBy: w.agentId })
    const made = await store.canned.insert(hello)
    expect(made).toEqual({
      ok: true,
      canned: { id: hello.id, shortCode: 'hello', content: hello.content, updatedAt: 1_000, deleted: false },
      entries: [{ seq: expect.any(Number), kind: 'canned', canned: { id: hello.id, shortCode: 'hello', content: hello.content, updatedAt: 1_000, deleted: false } }],
    })
    for (const shortCode of ['zebra', 'Apology', 'bye']) await store.canned.insert(canned(w.accountId, { shortCode }))
    await store.canned.insert(canned(other.accountId, { shortCode: 'elsewhere' }))
    expect((await store.canned.list(w.accountId)).map((c) => c.shortCode)).toEqual(['Apology', 'bye', 'hello', 'zebra'])
    expect(await store.canned.get(w.accountId, hello.id)).toEqual(made.ok && made.canned)
    expect(await store.canned.get(other.accountId, hello.id)).toBeNull()
    expect(await store.canned.get(w.accountId, randomUUID())).toBeNull()
  })

  it('a short code taken in the account is refused without a feed entry; another account may use it', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const other = await seedAccount(store)
    await store.canned.insert(canned(w.accountId, { shortCode: 'refund' }))
    const before = await feedOf(store, w.accountId)
    const dup = canned(w.accountId, { shortCode: 'refund' })
    expect(await store.canned.insert(dup)).toEqual({ ok: false, reason: 'short_code_taken' })
    expect(await store.canned.get(w.accountId, dup.id)).toBeNull()
    expect(await feedOf(store, w.accountId)).toEqual(before)
    expect((await store.canned.insert(canned(other.accountId, { shortCode: 'refund' }))).ok).toBe(true)

    const second = canned(w.accountId, { shortCode: 'second' })
    await store.canned.insert(second)
    expect(await store.canned.update(w.accountId, second.id, { shortCode: 'refund' }, 2_000)).toEqual({ ok: false, reason: 'short_code_taken' })
    expect((await store.canned.get(w.accountId, second.id))?.shortCode).toBe('second')
  })

  it('updates short code or content, keeping the other, with one superseding entry per response', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const c = canned(w.accountId)
    await store.canned.insert(c)
    const renamed = await store.canned.update(w.accountId, c.id, { shortCode: 'hi' }, 2_000)
    expect(renamed.ok && renamed.canned).toEqual({ id: c.id, shortCode: 'hi', content: c.content, updatedAt: 2_000, deleted: false })
    const edited = await store.canned.update(w.accountId, c.id, { content: 'Hi!' }, 3_000)
    if (!edited.ok) throw new Error(edited.reason)
    expect(edited.canned).toEqual({ id: c.id, shortCode: 'hi', content: 'Hi!', updatedAt: 3_000, deleted: false })
    expect(edited.entries[0]!.seq).toBeGreaterThan(renamed.ok ? renamed.entries[0]!.seq : Infinity)
    const entries = (await feedOf(store, w.accountId)).filter((e) => e.kind === 'canned')
    expect(entries).toEqual(edited.entries)
    // Its old short code is free again.
    expect((await store.canned.insert(canned(w.accountId, { shortCode: 'hello' }))).ok).toBe(true)
  })

  it('removing leaves a tombstone entry and frees the short code; a removed or foreign response is not found', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const other = await seedAccount(store)
    const c = canned(w.accountId, { shortCode: 'gone' })
    await store.canned.insert(c)
    expect(await store.canned.remove(other.accountId, c.id, 2_000)).toEqual({ ok: false, reason: 'not_found' })
    expect(await store.canned.update(other.accountId, c.id, { content: 'x' }, 2_000)).toEqual({ ok: false, reason: 'not_found' })

    const removed = await store.canned.remove(w.accountId, c.id, 3_000)
    if (!removed.ok) throw new Error(removed.reason)
    expect(removed.canned).toEqual({ id: c.id, shortCode: 'gone', content: c.content, updatedAt: 3_000, deleted: true })
    expect((await feedOf(store, w.accountId)).filter((e) => e.kind === 'canned')).toEqual(removed.entries)
    expect(await store.canned.get(w.accountId, c.id)).toBeNull()
    expect(await store.canned.list(w.accountId)).toEqual([])
    expect(await store.canned.remove(w.accountId, c.id, 4_000)).toEqual({ ok: false, reason: 'not_found' })
    expect(await store.canned.update(w.accountId, c.id, { content: 'back' }, 4_000)).toEqual({ ok: false, reason: 'not_found' })
    expect((await store.canned.insert(canned(w.accountId, { shortCode: 'gone' }))).ok).toBe(true)
  })

  it('two processes taking one short code at once: one gets it', async () => {
    const own = await backend.open()
    try {
      const twin = await own.openTwin()
      const w = await seedAccount(own.store)
      const results = await Promise.all([own.store, twin, own.store, twin].map((s) => s.canned.insert(canned(w.accountId, { shortCode: 'race' }))))
      expect(results.filter((r) => r.ok)).toHaveLength(1)
      expect(results.filter((r) => !r.ok)).toEqual(Array(3).fill({ ok: false, reason: 'short_code_taken' }))
      expect(await own.store.canned.list(w.accountId)).toHaveLength(1)
    } finally {
      await own.close()
    }
  })
})
