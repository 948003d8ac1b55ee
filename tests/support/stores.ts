import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { randomUUID } from 'node:crypto'
import pg from 'pg'
import type { Store } from '../../server/store/types.ts'
import { openSqliteStore } from '../../server/store/sqlite/sqlite-store.ts'
import { openPgStore } from '../../server/store/pg/pg-store.ts'

// Both store backends for the contract suite (DESIGN §6: one interface, one shared test suite).
// SQLite always; PostgreSQL when TEST_DATABASE_URL is set, each opened store in a schema of its own
// that is dropped on close. A set variable whose server does not answer fails the suite: it never
// quietly runs SQLite alone.

export interface OpenedStore {
  store: Store
  /** Another store on the same database (as a second process would open it); closed by close(). */
  openTwin(): Promise<Store>
  close(): Promise<void>
}

export interface StoreBackend {
  name: 'sqlite' | 'postgres'
  open(): Promise<OpenedStore>
}

export const testDatabaseUrl = (): string | undefined => process.env.TEST_DATABASE_URL || undefined

/** A fresh schema name, unique per call: test files and the stores within them never share tables. */
export const freshSchema = (): string => `t_${randomUUID().replaceAll('-', '').slice(0, 20)}`

export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  } finally {
    await client.end()
  }
}

const sqlite: StoreBackend = {
  name: 'sqlite',
  async open() {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'inbox-store-'))
    const file = path.join(dir, 'inbox.sqlite')
    const store = openSqliteStore(file)
    const twins: Store[] = []
    return {
      store,
      async openTwin() {
        const twin = openSqliteStore(file)
        twins.push(twin)
        return twin
      },
      async close() {
        for (const twin of twins) await twin.close()
        await store.close()
        await rm(dir, { recursive: true, force: true })
      },
    }
  },
}

const postgres = (url: string): StoreBackend => ({
  name: 'postgres',
  async open() {
    const schema = freshSchema()
    const store = await openPgStore(url, { schema, max: 4 })
    const twins: Store[] = []
    return {
      store,
      async openTwin() {
        const twin = await openPgStore(url, { schema, max: 4 })
        twins.push(twin)
        return twin
      },
      async close() {
        for (const twin of twins) await twin.close()
        await store.close()
        await dropSchema(url, schema)
      },
    }
  },
})

export function storeBackends(): StoreBackend[] {
  const url = testDatabaseUrl()
  return url ? [sqlite, postgres(url)] : [sqlite]
}
