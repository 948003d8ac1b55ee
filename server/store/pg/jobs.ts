import type { GroupCap, JobRecord, JobStore, NewJob } from '../jobs.ts'
import type { PgDb, Sql } from './pg-db.ts'

interface JobColumns {
  id: string
  kind: string
  account_id: string | null
  payload: string
  group_key: string | null
  status: JobRecord['status']
  attempts: number
  run_at: number
  last_error: string | null
  created_at: number
  updated_at: number
}

const toJob = (r: JobColumns): JobRecord => ({
  id: r.id,
  kind: r.kind,
  accountId: r.account_id,
  payload: JSON.parse(r.payload) as unknown,
  group: r.group_key,
  status: r.status,
  attempts: r.attempts,
  runAt: r.run_at,
  lastError: r.last_error,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

/**
 * Writes a job with the caller's `Sql`: other stores call this inside their own transaction, so a
 * change and the work it causes (a reply and its mail) commit together or not at all (outbox).
 * false when a job with the same dedupe key exists already.
 */
export async function insertJob(sql: Sql, job: NewJob, now: number): Promise<boolean> {
  const inserted = await sql.run(
    `INSERT INTO jobs (id, kind, account_id, dedupe_key, payload, group_key, status, run_at, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $8) ON CONFLICT (dedupe_key) DO NOTHING`,
    [job.id, job.kind, job.accountId, job.dedupeKey, JSON.stringify(job.payload), job.group ?? null, job.runAt, now],
  )
  return inserted === 1
}

// A job is claimable when it is due, or running with a lease that ran out (its process died).
const CLAIMABLE = `kind = $1 AND ((status = 'pending' AND run_at <= $2) OR (status = 'running' AND locked_until <= $2))`

export class PgJobStore implements JobStore {
  constructor(private readonly db: PgDb) {}

  async enqueue(job: NewJob, now: number): Promise<boolean> {
    return insertJob(this.db, job, now)
  }

  async claimDue(kind: string, now: number, leaseMs: number, limit: number, cap?: GroupCap): Promise<JobRecord[]> {
    const perGroup = cap?.perGroup ?? Number.MAX_SAFE_INTEGER
    const running = cap?.running ?? new Map<string, number>()
    const full = [...running].filter(([, n]) => n >= perGroup).map(([group]) => group)
    return this.db.tx(async (sql) => {
      // Candidates as on SQLite (at most `perGroup` per group, none from a full one), then locked with
      // SKIP LOCKED: rows another process is claiming right now are passed over, not waited for, and
      // the claimable test is repeated on the locked row, so one claimed and committed meanwhile
      // (running, lease ahead) drops out. Two processes never take the same job.
      const candidates = await sql.rows<JobColumns>(
        `WITH candidates AS (
           SELECT id FROM (
             SELECT id, run_at, row_number() OVER (PARTITION BY coalesce(group_key, id) ORDER BY run_at) AS nth FROM jobs
             WHERE ${CLAIMABLE} AND (group_key IS NULL OR NOT (group_key = ANY($3::text[])))
           ) ranked WHERE nth <= $4 ORDER BY run_at LIMIT $5
         )
         SELECT * FROM jobs WHERE id IN (SELECT id FROM candidates) AND ${CLAIMABLE}
         ORDER BY run_at FOR UPDATE OF jobs SKIP LOCKED`,
        [kind, now, full, Math.min(perGroup, limit), limit * Math.min(perGroup, limit)],
      )
      const taken = new Map<string, number>()
      const rows: JobColumns[] = []
      for (const r of candidates) {
        if (rows.length === limit) break
        if (r.group_key !== null) {
          const n = (running.get(r.group_key) ?? 0) + (taken.get(r.group_key) ?? 0)
          if (n >= perGroup) continue
          taken.set(r.group_key, (taken.get(r.group_key) ?? 0) + 1)
        }
        rows.push(r)
      }
      if (rows.length > 0) {
        await sql.run(`UPDATE jobs SET status = 'running', locked_until = $1, attempts = attempts + 1, updated_at = $2 WHERE id = ANY($3::text[])`, [
          now + leaseMs,
          now,
          rows.map((r) => r.id),
        ])
      }
      return rows.map((r) => ({ ...toJob(r), status: 'running' as const, attempts: r.attempts + 1 }))
    })
  }

  async complete(id: string, now: number): Promise<void> {
    await this.db.run(`UPDATE jobs SET status = 'done', locked_until = NULL, last_error = NULL, updated_at = $1 WHERE id = $2`, [now, id])
  }

  async retryAt(id: string, error: string, runAt: number, now: number): Promise<void> {
    await this.db.run(`UPDATE jobs SET status = 'pending', locked_until = NULL, last_error = $1, run_at = $2, updated_at = $3 WHERE id = $4`, [
      error,
      runAt,
      now,
      id,
    ])
  }

  async fail(id: string, error: string, now: number): Promise<void> {
    await this.db.run(`UPDATE jobs SET status = 'failed', locked_until = NULL, last_error = $1, updated_at = $2 WHERE id = $3`, [error, now, id])
  }

  async nextRunAt(kind: string): Promise<number | null> {
    const row = await this.db.row<{ at: number | null }>(`SELECT min(run_at) AS at FROM jobs WHERE kind = $1 AND status = 'pending'`, [kind])
    return row?.at ?? null
  }

  async get(id: string): Promise<JobRecord | null> {
    const r = await this.db.row<JobColumns>('SELECT * FROM jobs WHERE id = $1', [id])
    return r ? toJob(r) : null
  }

  async list(kind: string, accountId: string | null, limit: number): Promise<JobRecord[]> {
    const rows = await this.db.rows<JobColumns>(
      'SELECT * FROM jobs WHERE kind = $1 AND account_id IS NOT DISTINCT FROM $2 ORDER BY created_at DESC LIMIT $3',
      [kind, accountId, limit],
    )
    return rows.map(toJob)
  }
}
