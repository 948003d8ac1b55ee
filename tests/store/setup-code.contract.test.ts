import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { Store } from '../../server/store/types.ts'
import { storeBackends, type StoreBackend } from '../support/stores.ts'
import { rawRows, rawRun } from './fixture.ts'

// One setup code per service (issue 11): the first process to ask stores its code, later ones (and
// ones asking at the same moment) get that same code back, until it is stale or used up.

/** A candidate code whose hash, as far as the store knows, is the given string. */
const candidate = (codeHash: string) => ({ code: codeHash.toUpperCase(), codeHash })

/** The setup code row is one per database: each test gets a database of its own. */
async function withOwnStore(backend: StoreBackend, test: (store: Store, twin: () => Promise<Store>) => Promise<void>) {
  const own = await backend.open()
  try {
    await test(own.store, () => own.openTwin())
  } finally {
    await own.close()
  }
}

describe.each(storeBackends())('setup code store ($name)', (backend) => {
  it('keeps the first code while it is not stale, then replaces it, and the replaced one stops matching', async () => {
    await withOwnStore(backend, async (store) => {
      expect(await store.admin.setupCode(candidate('first'), 1_000, 0)).toBe('FIRST')
      // Made at 1 000, stale only before 1 000: kept, the candidate is dropped.
      expect(await store.admin.setupCode(candidate('second'), 2_000, 1_000)).toBe('FIRST')
      expect(await store.admin.setupCodeMatches('first')).toBe(true)
      expect(await store.admin.setupCodeMatches('second')).toBe(false)

      expect(await store.admin.setupCode(candidate('third'), 3_000, 1_001)).toBe('THIRD')
      expect(await store.admin.setupCodeMatches('first')).toBe(false)
      expect(await store.admin.setupCodeMatches('third')).toBe(true)
      // The replacement's age counts from when it was made, not from the first code.
      expect(await store.admin.setupCode(candidate('fourth'), 4_000, 3_000)).toBe('THIRD')
    })
  })

  it('replaces a code stored before the code column, whose hash alone cannot be printed', async () => {
    await withOwnStore(backend, async (store) => {
      await rawRun(store, 'INSERT INTO setup_code (id, code_hash, created_at) VALUES (1, $1, $2)', ['legacy', 5_000])
      expect(await store.admin.setupCodeMatches('legacy')).toBe(true)
      expect(await store.admin.setupCode(candidate('new'), 5_001, 0)).toBe('NEW')
      expect(await store.admin.setupCodeMatches('legacy')).toBe(false)
      expect(await store.admin.setupCodeMatches('new')).toBe(true)
    })
  })

  it('gives processes asking at once on an empty database one code, the one that matches', async () => {
    await withOwnStore(backend, async (store, twin) => {
      const stores = [store, await twin(), await twin()]
      const codes = await Promise.all(
        Array.from({ length: 9 }, (_, i) => stores[i % stores.length]!.admin.setupCode(candidate(`racer-${i}`), 1_000 + i, 0)),
      )
      expect(new Set(codes).size).toBe(1)
      expect(await store.admin.setupCodeMatches(codes[0]!.toLowerCase())).toBe(true)
      expect(await rawRows(store, 'SELECT id FROM setup_code')).toHaveLength(1)
    })
  })

  it('is deleted by the setup it was used for', async () => {
    await withOwnStore(backend, async (store) => {
      await store.admin.setupCode(candidate('once'), 1_000, 0)
      const agent = { id: randomUUID(), name: 'Ada', email: 'ada@example.com', role: 'admin' as const, passwordHash: 'h' }
      const done = await store.admin.setUp({ codeHash: 'once', accountId: randomUUID(), accountName: 'Acme', agent }, 2_000)
      expect(done.ok).toBe(true)
      expect(await rawRows(store, 'SELECT id FROM setup_code')).toEqual([])
      expect(await store.admin.setupCodeMatches('once')).toBe(false)
    })
  })
})
