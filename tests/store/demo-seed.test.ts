import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createContext } from '../../server/app-context.ts'
import { configFromEnv } from '../../server/config.ts'
import { seedDemoWorkspace } from '../../server/demo/seed.ts'
import type { Clock } from '../../server/services/clock.ts'
import type { Store } from '../../server/store/types.ts'
import { type DemoContent, demoContent, fixedClock } from '../support/demo-content.ts'
import { storeBackends } from '../support/stores.ts'
import { countRows } from '../support/test-sql.ts'

// The demo seed `npm start` runs on an empty database, in one transaction (Store.inOneTransaction):
// it must write exactly what it wrote as one transaction per store call (same feed entries and seqs,
// same docs, no jobs), and a seed that stops part-way must leave nothing behind, so that the next
// start seeds again instead of serving half a workspace.

const NOW = 1_780_000_000_000
// A seed takes about 650 ids; by the 200th it is writing the conversations' messages.
const PART_WAY = 200

async function seed(store: Store, clock: Clock): Promise<string> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'demo-seed-'))
  const ctx = createContext(configFromEnv({ DATA_DIR: dataDir }), store, clock)
  try {
    await seedDemoWorkspace(ctx)
    return (await store.directory.findAgentByEmail('alice@example.com'))!.accountId
  } finally {
    // Seeding snoozed conversations arms the snooze timer: it must not fire on a closed store.
    ctx.waker.stop()
    await ctx.docs.closeAll()
    await ctx.cluster.close()
    await rm(dataDir, { recursive: true, force: true })
  }
}

/** The store as before inOneTransaction existed: each store call commits on its own. */
const callByCall = (store: Store): Store =>
  Object.create(store, { inOneTransaction: { value: <T>(fn: () => Promise<T>): Promise<T> => fn() } }) as Store

describe.each(storeBackends())('demo seed ($name)', (backend) => {
  it('writes in one transaction exactly what it wrote call by call: feed entries and seqs, docs, jobs', async () => {
    const contents: DemoContent[] = []
    for (const wrap of [callByCall, (s: Store) => s]) {
      const opened = await backend.open()
      try {
        contents.push(await demoContent(opened.store, await seed(wrap(opened.store), fixedClock(NOW))))
      } finally {
        await opened.close()
      }
    }
    const [before, after] = contents as [DemoContent, DemoContent]
    expect(after.docs).toHaveLength(60)
    expect(after.feed.filter((e) => e.kind === 'message').length).toBeGreaterThan(300)
    expect(after).toEqual(before)
  }, 120_000)

  it('a seed that stops part-way leaves the database empty, and the next one seeds it whole', async () => {
    const opened = await backend.open()
    try {
      const { store } = opened
      await expect(seed(store, fixedClock(NOW, PART_WAY))).rejects.toThrow(/stopped at id/)
      expect(await store.directory.countAccounts()).toBe(0)
      for (const table of ['feed', 'contacts', 'conversations', 'messages', 'doc_updates', 'agents'])
        expect(await countRows(store, `SELECT count(*) AS n FROM ${table}`), table).toBe(0)
      const accountId = await seed(store, fixedClock(NOW))
      expect(await store.directory.countAccounts()).toBe(1)
      expect((await demoContent(store, accountId)).docs).toHaveLength(60)
    } finally {
      await opened.close()
    }
  }, 120_000)
})
