import { createHash } from 'node:crypto'
import path from 'node:path'
import Database from 'better-sqlite3'
import type { Store } from '../../server/store/types.ts'
import { testSql } from './test-sql.ts'

// What a rejected request must not change, read straight from the test server's database: its SQLite
// file through a second, read-only connection (WAL: it sees every committed write), or its PostgreSQL
// schema through the store's pool. In-process and cheap enough to take before and after each of
// thousands of fuzzed requests.

/** Tables that change on their own (compaction, the job runner, delivery attempts) or on a rejected
 *  request by design (rate-limit counters), so they prove nothing about the request at hand. */
const VOLATILE = /^(sqlite_|schema_migrations$|doc_updates$|jobs$|webhook_deliveries$|email_messages$)|limit|attempt/
/** Append-only logs that grow large: compared by count and newest row, not by content. */
const LOGS = new Set(['messages', 'feed', 'attachments'])
/** Columns a valid credential refreshes on use (sliding expiry, last used), even on a rejected call. */
const VOLATILE_COLUMN = /last_used|last_seen|expires_at/

/** The few reads a snapshot needs, on either backend. */
interface Source {
  all(query: string): Promise<Record<string, unknown>[]>
  tableNames(): Promise<string[]>
  columnNames(table: string): Promise<string[]>
  close(): void
}

function sqliteSource(dataDir: string): Source {
  const db = new Database(path.join(dataDir, 'inbox.sqlite'), { readonly: true, fileMustExist: true })
  return {
    all: async (query) => db.prepare(query).all() as Record<string, unknown>[],
    tableNames: async () => (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name),
    columnNames: async (table) => (db.prepare(`PRAGMA table_info(${quote(table)})`).all() as { name: string }[]).map((c) => c.name),
    close: () => db.close(),
  }
}

function pgSource(store: Store): Source {
  const sql = testSql(store)
  return {
    all: (query) => sql.rows(query),
    tableNames: async () =>
      (
        await sql.rows<{ name: string }>(
          "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1",
        )
      ).map((r) => r.name),
    columnNames: async (table) =>
      (
        await sql.rows<{ name: string }>(
          'SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position',
          [table],
        )
      ).map((c) => c.name),
    // The store's pool: closed with the server.
    close: () => undefined,
  }
}

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`

export class DbSnapshots {
  private constructor(
    private readonly source: Source,
    private readonly tables: { name: string; query: string }[],
  ) {}

  /** Snapshots of a test server's database: `dataDir` is where its SQLite file is, `store` its store. */
  static async open(server: { dataDir: string; ctx: { store: Store } }): Promise<DbSnapshots> {
    const source = testSql(server.ctx.store).backend === 'sqlite' ? sqliteSource(server.dataDir) : pgSource(server.ctx.store)
    const tables: { name: string; query: string }[] = []
    for (const name of await source.tableNames()) {
      if (!VOLATILE.test(name)) tables.push({ name, query: await queryFor(source, name) })
    }
    return new DbSnapshots(source, tables)
  }

  /** One digest per table: equal digests, equal (non-volatile) state. */
  async take(): Promise<Record<string, string>> {
    const out: Record<string, string> = {}
    for (const { name, query } of this.tables) {
      // Sorted in JS: some tables have no rowid to order by, and order is not state.
      const rows = (await this.source.all(query)).map((row) => JSON.stringify(row, bufferAsHex)).sort()
      out[name] = createHash('sha1').update(rows.join('\n')).digest('hex').slice(0, 16)
    }
    return out
  }

  /** The newest feed seq of each account: the change feed is where every agent-visible change lands. */
  async feedHeads(): Promise<Record<string, number>> {
    const rows = (await this.source.all('SELECT account_id AS account, max(seq) AS seq FROM feed GROUP BY account_id')) as {
      account: string
      seq: number
    }[]
    return Object.fromEntries(rows.map((r) => [r.account, r.seq]))
  }

  close(): void {
    this.source.close()
  }
}

async function queryFor(source: Source, table: string): Promise<string> {
  if (LOGS.has(table)) return `SELECT count(*) AS n FROM ${quote(table)}`
  const columns = (await source.columnNames(table))
    .filter((c) => !VOLATILE_COLUMN.test(c))
    .map(quote)
  return `SELECT ${columns.join(', ')} FROM ${quote(table)}`
}

/** Blobs (better-sqlite3 and pg give Buffers) as their hash: short, and equal when the bytes are. */
function bufferAsHex(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key]
  return Buffer.isBuffer(raw) ? createHash('sha1').update(raw).digest('hex') : value
}

/** The names of the tables whose digest differs. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)])
  return [...names].filter((name) => before[name] !== after[name]).sort()
}
