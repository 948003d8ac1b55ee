import { createHash } from 'node:crypto'
import path from 'node:path'
import Database from 'better-sqlite3'

// What a rejected request must not change, read straight from the test server's SQLite file through a
// second, read-only connection (WAL: it sees every committed write). In-process and cheap enough to
// take before and after each of thousands of fuzzed requests.

/** Tables that change on their own (compaction, the job runner, delivery attempts) or on a rejected
 *  request by design (rate-limit counters), so they prove nothing about the request at hand. */
const VOLATILE = /^(sqlite_|schema_migrations$|doc_updates$|jobs$|webhook_deliveries$|email_messages$)|limit|attempt/
/** Append-only logs that grow large: compared by count and newest row, not by content. */
const LOGS = new Set(['messages', 'feed', 'attachments'])
/** Columns a valid credential refreshes on use (sliding expiry, last used), even on a rejected call. */
const VOLATILE_COLUMN = /last_used|last_seen|expires_at/

export class DbSnapshots {
  private readonly db: Database.Database
  private readonly tables: { name: string; query: string }[]

  constructor(dataDir: string) {
    this.db = new Database(path.join(dataDir, 'inbox.sqlite'), { readonly: true, fileMustExist: true })
    this.tables = this.db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all()
      .map((row) => (row as { name: string }).name)
      .filter((name) => !VOLATILE.test(name))
      .map((name) => ({ name, query: this.queryFor(name) }))
  }

  private queryFor(table: string): string {
    const quoted = `"${table.replaceAll('"', '""')}"`
    if (LOGS.has(table)) return `SELECT count(*) AS n FROM ${quoted}`
    const columns = (this.db.prepare(`PRAGMA table_info(${quoted})`).all() as { name: string }[])
      .map((c) => c.name)
      .filter((c) => !VOLATILE_COLUMN.test(c))
      .map((c) => `"${c.replaceAll('"', '""')}"`)
    return `SELECT ${columns.join(', ')} FROM ${quoted}`
  }

  /** One digest per table: equal digests, equal (non-volatile) state. */
  take(): Record<string, string> {
    const out: Record<string, string> = {}
    for (const { name, query } of this.tables) {
      // Sorted in JS: some tables have no rowid to order by, and order is not state.
      const rows = this.db
        .prepare(query)
        .all()
        .map((row) => JSON.stringify(row, bufferAsHex))
        .sort()
      out[name] = createHash('sha1').update(rows.join('\n')).digest('hex').slice(0, 16)
    }
    return out
  }

  /** The newest feed seq of each account: the change feed is where every agent-visible change lands. */
  feedHeads(): Record<string, number> {
    const rows = this.db.prepare('SELECT account_id AS account, max(seq) AS seq FROM feed GROUP BY account_id').all() as {
      account: string
      seq: number
    }[]
    return Object.fromEntries(rows.map((r) => [r.account, r.seq]))
  }

  close(): void {
    this.db.close()
  }
}

/** Blobs (better-sqlite3 gives Buffers) as their hash: short, and equal when the bytes are. */
function bufferAsHex(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key]
  return Buffer.isBuffer(raw) ? createHash('sha1').update(raw).digest('hex') : value
}

/** The names of the tables whose digest differs. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)])
  return [...names].filter((name) => before[name] !== after[name]).sort()
}
