import type { DocStore, DocUpdateRow } from '../docs.ts'
import type { StatementCache } from './feed-append.ts'

const toRow = (r: { id: number; data: Buffer }): DocUpdateRow => ({
  id: r.id,
  data: new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength),
})

export class SqliteDocStore implements DocStore {
  constructor(private readonly statements: StatementCache) {}

  private sql(text: string) {
    return this.statements.sql(text)
  }

  async appendDocUpdate(doc: string, update: Uint8Array): Promise<number> {
    return Number(this.sql('INSERT INTO doc_updates (doc, data) VALUES (?, ?)').run(doc, update).lastInsertRowid)
  }

  async loadDocUpdates(doc: string): Promise<DocUpdateRow[]> {
    const rows = this.sql('SELECT id, data FROM doc_updates WHERE doc = ? ORDER BY id').all(doc) as { id: number; data: Buffer }[]
    return rows.map(toRow)
  }

  async loadDocUpdatesAfter(doc: string, afterId: number): Promise<DocUpdateRow[]> {
    const rows = this.sql('SELECT id, data FROM doc_updates WHERE doc = ? AND id > ? ORDER BY id').all(doc, afterId) as { id: number; data: Buffer }[]
    return rows.map(toRow)
  }

  async compactDoc(doc: string, merged: Uint8Array, throughId: number): Promise<void> {
    this.statements.db.transaction(() => {
      this.sql('DELETE FROM doc_updates WHERE doc = ? AND id <= ?').run(doc, throughId)
      // Keeps the merged state ordered before any update appended after the compaction began.
      this.sql('INSERT INTO doc_updates (id, doc, data) VALUES (?, ?, ?)').run(throughId, doc, merged)
    })()
  }
}
