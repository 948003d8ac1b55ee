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

  appendDocUpdate(doc: string, update: Uint8Array): Promise<number> {
    return this.db.tx(async (sql) => {
      const head = await sql.row<{ last_n: number }>(
        `INSERT INTO doc_heads (doc, last_n) VALUES ($1, 1)
         ON CONFLICT (doc) DO UPDATE SET last_n = doc_heads.last_n + 1 RETURNING last_n`,
        [doc],
      )
      await sql.run('INSERT INTO doc_updates (doc, n, data) VALUES ($1, $2, $3)', [doc, head!.last_n, update])
      return head!.last_n
    })
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
      // The head row's lock makes two processes' compactions of one doc take turns: each DELETE then
      // sees the other's merged row, and the merge lands at n = throughId, before any later update.
      await sql.run('SELECT last_n FROM doc_heads WHERE doc = $1 FOR UPDATE', [doc])
      await sql.run('DELETE FROM doc_updates WHERE doc = $1 AND n <= $2', [doc, throughId])
      await sql.run('INSERT INTO doc_updates (doc, n, data) VALUES ($1, $2, $3)', [doc, throughId, merged])
    })
  }
}
