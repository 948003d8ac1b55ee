import type Database from 'better-sqlite3'
import type { CannedResponse } from '../../../shared/canned.ts'
import type { CannedStore, CannedWrite, NewCanned } from '../canned.ts'
import type { AppendFeed } from './feed-append.ts'


interface CannedColumns {
  id: string
  account_id: string
  short_code: string
  content: string
  created_by: string | null
  updated_at: number
  deleted: number
}

const toCanned = (r: CannedColumns): CannedResponse => ({
  id: r.id,
  shortCode: r.short_code,
  content: r.content,
  updatedAt: r.updated_at,
  deleted: r.deleted === 1,
})

// The partial unique index (account_id, short_code) WHERE deleted = 0 is the guard against duplicates;
// a violation rolls the transaction back before any seq is taken.
const isShortCodeTaken = (error: unknown): boolean =>
  (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' && String((error as Error).message).includes('short_code')

export class SqliteCannedStore implements CannedStore {
  constructor(
    private readonly db: Database.Database,
    private readonly appendFeed: AppendFeed,
  ) {}

  async list(accountId: string): Promise<CannedResponse[]> {
    const rows = this.db
      .prepare('SELECT * FROM canned_responses WHERE account_id = ? AND deleted = 0 ORDER BY short_code')
      .all(accountId) as CannedColumns[]
    return rows.map(toCanned)
  }

  async get(accountId: string, id: string): Promise<CannedResponse | null> {
    const row = this.row(accountId, id)
    return row ? toCanned(row) : null
  }

  async insert(c: NewCanned): Promise<CannedWrite> {
    return this.write(() => {
      this.db
        .prepare(
          'INSERT INTO canned_responses (id, account_id, short_code, content, created_by, updated_at, deleted) VALUES (?, ?, ?, ?, ?, ?, 0)',
        )
        .run(c.id, c.accountId, c.shortCode, c.content, c.createdBy, c.updatedAt)
      return this.published(c.accountId, c.id)
    })
  }

  async update(accountId: string, id: string, patch: { shortCode?: string; content?: string }, now: number): Promise<CannedWrite> {
    return this.write(() => {
      const row = this.row(accountId, id)
      if (!row) return { ok: false, reason: 'not_found' }
      this.db
        .prepare('UPDATE canned_responses SET short_code = ?, content = ?, updated_at = ? WHERE id = ?')
        .run(patch.shortCode ?? row.short_code, patch.content ?? row.content, now, id)
      return this.published(accountId, id)
    })
  }

  async remove(accountId: string, id: string, now: number): Promise<CannedWrite> {
    return this.write(() => {
      if (!this.row(accountId, id)) return { ok: false, reason: 'not_found' }
      this.db.prepare('UPDATE canned_responses SET deleted = 1, updated_at = ? WHERE id = ?').run(now, id)
      return this.published(accountId, id)
    })
  }

  /** Not deleted and in the account. */
  private row(accountId: string, id: string): CannedColumns | undefined {
    return this.db.prepare('SELECT * FROM canned_responses WHERE id = ? AND account_id = ? AND deleted = 0').get(id, accountId) as
      | CannedColumns
      | undefined
  }

  private published(accountId: string, id: string): CannedWrite {
    const row = this.db.prepare('SELECT * FROM canned_responses WHERE id = ?').get(id) as CannedColumns
    const canned = toCanned(row)
    const entry = this.appendFeed(accountId, id, (seq) => ({ seq, kind: 'canned', canned }))
    return { ok: true, canned, entries: [entry] }
  }

  private write(change: () => CannedWrite): CannedWrite {
    try {
      return this.db.transaction(change)()
    } catch (error) {
      if (isShortCodeTaken(error)) return { ok: false, reason: 'short_code_taken' }
      throw error
    }
  }
}
