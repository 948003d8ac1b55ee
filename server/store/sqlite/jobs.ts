import type Database from 'better-sqlite3'
import type { JobRecord, JobStore, NewJob } from '../jobs.ts'

interface JobColumns {
  id: string
  kind: string
  account_id: string | null
  payload: string
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
  status: r.status,
  attempts: r.attempts,
  runAt: r.run_at,
  lastError: r.last_error,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

export class SqliteJobStore implements JobStore {
  constructor(private readonly db: Database.Database) {}

  async enqueue(job: NewJob, now: number): Promise<boolean> {
    const result = this.db
      .prepare(
        `INSERT INTO jobs (id, kind, account_id, dedupe_key, payload, status, run_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
      )
      .run(job.id, job.kind, job.accountId, job.dedupeKey, JSON.stringify(job.payload), job.runAt, now, now)
    return result.changes === 1
  }

  async claimDue(now: number, leaseMs: number, limit: number): Promise<JobRecord[]> {
    return this.db.transaction(() => {
      const rows = this.db
        .prepare(
          `SELECT * FROM jobs WHERE (status = 'pending' AND run_at <= ?) OR (status = 'running' AND locked_until <= ?)
           ORDER BY run_at LIMIT ?`,
        )
        .all(now, now, limit) as JobColumns[]
      const claim = this.db.prepare(
        `UPDATE jobs SET status = 'running', locked_until = ?, attempts = attempts + 1, updated_at = ? WHERE id = ?`,
      )
      for (const r of rows) claim.run(now + leaseMs, now, r.id)
      return rows.map((r) => ({ ...toJob(r), status: 'running' as const, attempts: r.attempts + 1 }))
    })()
  }

  async complete(id: string, now: number): Promise<void> {
    this.db.prepare(`UPDATE jobs SET status = 'done', locked_until = NULL, last_error = NULL, updated_at = ? WHERE id = ?`).run(now, id)
  }

  async retryAt(id: string, error: string, runAt: number, now: number): Promise<void> {
    this.db
      .prepare(`UPDATE jobs SET status = 'pending', locked_until = NULL, last_error = ?, run_at = ?, updated_at = ? WHERE id = ?`)
      .run(error, runAt, now, id)
  }

  async fail(id: string, error: string, now: number): Promise<void> {
    this.db.prepare(`UPDATE jobs SET status = 'failed', locked_until = NULL, last_error = ?, updated_at = ? WHERE id = ?`).run(error, now, id)
  }

  async nextRunAt(): Promise<number | null> {
    const row = this.db.prepare(`SELECT min(run_at) AS at FROM jobs WHERE status = 'pending'`).get() as { at: number | null }
    return row.at
  }

  async get(id: string): Promise<JobRecord | null> {
    const r = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobColumns | undefined
    return r ? toJob(r) : null
  }

  async list(kind: string, accountId: string | null, limit: number): Promise<JobRecord[]> {
    const rows = this.db
      .prepare('SELECT * FROM jobs WHERE kind = ? AND account_id IS ? ORDER BY created_at DESC LIMIT ?')
      .all(kind, accountId, limit) as JobColumns[]
    return rows.map(toJob)
  }
}
