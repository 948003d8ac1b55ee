import type { DocStore, DocUpdateRow } from '../docs.ts'
import type { PgDb } from './pg-db.ts'

// Each doc's updates are numbered n = 1, 2, 3… from its doc_heads row, taken in the appending
// transaction: numbers follow commit order per doc, so a process reading "after n" never skips an
// update committed late (a shared sequence would allow that). The returned `id` of a row is its n.

const toRow = (r: { n: number; data: Buffer }): DocUpdateRow => ({
  id: r.n,
  data: new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength),
})

export class PgDocStore implements DocStore {
  constructor(private readonly db: PgDb) {}

  // One statement, so one round trip and one commit: every update waits for this before it is
  // forwarded (DESIGN §6), so its latency is the room's. The head row stays locked until the
  // statement commits, which keeps numbers in commit order per doc.
  async appendDocUpdate(doc: string, update: Uint8Array): Promise<number> {
    const row = await this.db.row<{ n: number }>(
      `WITH head AS (
         INSERT INTO doc_heads (doc, last_n) VALUES ($1, 1)
         ON CONFLICT (doc) DO UPDATE SET last_n = doc_heads.last_n + 1 RETURNING last_n
       )
       INSERT INTO doc_updates (doc, n, data) SELECT $1, last_n, $2 FROM head RETURNING n`,
      [doc, update],
    )
    return row!.n
  }

  async loadDocUpdates(doc: string): Promise<DocUpdateRow[]> {
    return (await this.db.rows<{ n: number; data: Buffer }>('SELECT n, data FROM doc_updates WHERE doc = $1 ORDER BY n', [doc])).map(toRow)
  }

  async loadDocUpdatesAfter(doc: string, afterId: number): Promise<DocUpdateRow[]> {
    return (
      await this.db.rows<{ n: number; data: Buffer }>('SELECT n, data FROM doc_updates WHERE doc = $1 AND n > $2 ORDER BY n', [doc, afterId])
    ).map(toRow)
  }

  compactDoc(doc: string, merged: Uint8Array, throughId: number): Promise<void> {
    return this.db.tx(async (sql) => {
      // Two processes' compactions of one doc take turns on this lock: each DELETE then sees the
      // other's merged row, and the merge lands at n = throughId, before any later update. Not the
      // head row's lock: appends (n > throughId) go on meanwhile instead of waiting for the rewrite.
      await sql.run('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', ['compact:' + doc])
      await sql.run('DELETE FROM doc_updates WHERE doc = $1 AND n <= $2', [doc, throughId])
      await sql.run('INSERT INTO doc_updates (doc, n, data) VALUES ($1, $2, $3)', [doc, throughId, merged])
    })
  }
}
