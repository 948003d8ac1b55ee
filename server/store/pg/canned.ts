import type { CannedResponse } from '../../../shared/canned.ts'
import type { CannedStore, CannedWrite, NewCanned } from '../canned.ts'
import { appendFeed } from './feed-append.ts'
import type { PgDb, Sql } from './pg-db.ts'

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

// The partial unique index canned_responses_code (account_id, short_code) WHERE deleted = 0 is the
// guard against duplicates, also between processes; a violation rolls the transaction back with its seq.
const isShortCodeTaken = (error: unknown): boolean =>
  (error as { code?: string }).code === '23505' && (error as { constraint?: string }).constraint === 'canned_responses_code'

/** Not deleted and in the account; locked for the writing transaction that asks. */
async function liveRow(sql: Sql, accountId: string, id: string, lock = false): Promise<CannedColumns | undefined> {
  return sql.row<CannedColumns>(`SELECT * FROM canned_responses WHERE id = $1 AND account_id = $2 AND deleted = 0${lock ? ' FOR UPDATE' : ''}`, [
    id,
    accountId,
  ])
}

export class PgCannedStore implements CannedStore {
  constructor(private readonly db: PgDb) {}

  async list(accountId: string): Promise<CannedResponse[]> {
    // COLLATE "C": the order SQLite's binary collation gives.
    const rows = await this.db.rows<CannedColumns>(
      'SELECT * FROM canned_responses WHERE account_id = $1 AND deleted = 0 ORDER BY short_code COLLATE "C"',
      [accountId],
    )
    return rows.map(toCanned)
  }

  async get(accountId: string, id: string): Promise<CannedResponse | null> {
    const row = await liveRow(this.db, accountId, id)
    return row ? toCanned(row) : null
  }

  async insert(c: NewCanned): Promise<CannedWrite> {
    return this.write(async (sql) => {
      await sql.run(
        `INSERT INTO canned_responses (id, account_id, short_code, content, created_by, updated_at, deleted)
         VALUES ($1, $2, $3, $4, $5, $6, 0)`,
        [c.id, c.accountId, c.shortCode, c.content, c.createdBy, c.updatedAt],
      )
      return published(sql, c.accountId, c.id)
    })
  }

  async update(accountId: string, id: string, patch: { shortCode?: string; content?: string }, now: number): Promise<CannedWrite> {
    return this.write(async (sql) => {
      const row = await liveRow(sql, accountId, id, true)
      if (!row) return { ok: false, reason: 'not_found' }
      await sql.run('UPDATE canned_responses SET short_code = $1, content = $2, updated_at = $3 WHERE id = $4', [
        patch.shortCode ?? row.short_code,
        patch.content ?? row.content,
        now,
        id,
      ])
      return published(sql, accountId, id)
    })
  }

  async remove(accountId: string, id: string, now: number): Promise<CannedWrite> {
    return this.write(async (sql) => {
      if (!(await liveRow(sql, accountId, id, true))) return { ok: false, reason: 'not_found' }
      await sql.run('UPDATE canned_responses SET deleted = 1, updated_at = $1 WHERE id = $2', [now, id])
      return published(sql, accountId, id)
    })
  }

  private async write(change: (sql: Sql) => Promise<CannedWrite>): Promise<CannedWrite> {
    try {
      return await this.db.tx(change)
    } catch (error) {
      if (isShortCodeTaken(error)) return { ok: false, reason: 'short_code_taken' }
      throw error
    }
  }
}

async function published(sql: Sql, accountId: string, id: string): Promise<CannedWrite> {
  const row = await sql.row<CannedColumns>('SELECT * FROM canned_responses WHERE id = $1', [id])
  const canned = toCanned(row!)
  const entry = await appendFeed(sql, accountId, id, (seq) => ({ seq, kind: 'canned', canned }))
  return { ok: true, canned, entries: [entry] }
}
