import type { Store } from '../../server/store/types.ts'
import { SqliteStore } from '../../server/store/sqlite/sqlite-store.ts'
import { PgStore } from '../../server/store/pg/pg-store.ts'

// Raw SQL into a test server's own database, for the few tests that must look past the store
// interface (a count of rows no method exposes, a trigger that makes a write fail). Queries are
// written with `?` placeholders and run on either backend: both keep the same tables and columns.

export interface TestSql {
  backend: 'sqlite' | 'postgres'
  rows<R>(text: string, params?: unknown[]): Promise<R[]>
  /** One or more statements, no parameters. */
  exec(text: string): Promise<void>
}

/** `?` -> `$1, $2, …` (the tests' queries hold no `?` inside strings). */
const numbered = (text: string): string => {
  let n = 0
  return text.replace(/\?/g, () => `$${++n}`)
}

export function testSql(store: Store): TestSql {
  if (store instanceof SqliteStore) {
    const db = store.db
    return {
      backend: 'sqlite',
      rows: async <R>(text: string, params: unknown[] = []) => db.prepare(text).all(...params) as R[],
      exec: async (text) => void db.exec(text),
    }
  }
  if (store instanceof PgStore) {
    const db = store.db
    return {
      backend: 'postgres',
      rows: <R>(text: string, params: unknown[] = []) => db.rows<R>(numbered(text), params),
      // Without parameters pg sends the simple protocol, which takes several statements.
      exec: async (text) => void (await db.pool.query(text)),
    }
  }
  throw new Error('testSql: neither a SQLite nor a PostgreSQL store')
}

/** A count(*) as a number on both backends (PostgreSQL's count is a BIGINT). */
export async function countRows(store: Store, text: string, params: unknown[] = []): Promise<number> {
  const [row] = await testSql(store).rows<{ n: number | string }>(text, params)
  return Number(row?.n ?? 0)
}
