import type Database from 'better-sqlite3'
import type { GroupCap, JobRecord, JobStore, NewJob } from '../jobs.ts'

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
 * Writes a job with the caller's statements: other stores call this inside their own transaction, so a
 * change and the work it causes (a reply and its mail) commit together or not at all (outbox).
 * false when a job with the same dedupe key exists already.
 */
export function insertJob(db: Database.Database, job: NewJob, now: number): boolean {
  const result = db
    .prepare(
      `INSERT INTO jobs (id, kind, account_id, dedupe_key, payload, group_key, status, run_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
    )
    .run(job.id, job.kind, job.accountId, job.dedupeKey, JSON.stringify(job.payload), job.group ?? null, job.runAt, now, now)
  return result.changes === 1
}

export class SqliteJobStore implements JobStore {
  constructor(private readonly db: Database.Database) {}

  async enqueue(job: NewJob, now: number): Promise<boolean> {
    return insertJob(this.db, job, now)
  }

  async claimDue(kind: string, now: number, leaseMs: number, limit: number, cap?: GroupCap): Promise<JobRecord[]> {
    const perGroup = cap?.perGroup ?? Number.MAX_SAFE_INTEGER
    const running = cap?.running ?? new Map<string, number>()
    const full = [...running].filter(([, n]) => n >= perGroup).map(([group]) => group)
    // IMMEDIATE: another process claiming at the same moment waits for this one instead of taking
    // the same rows from a snapshot that is about to be stale.
    return this.db.transaction(() => {
      // At most `perGroup` candidates per group, none from a full one: a burst of one group's jobs
      // does not crowd the others out of the candidates.
      const candidates = this.db
        .prepare(
          `SELECT * FROM (
             SELECT *, row_number() OVER (PARTITION BY coalesce(group_key, id) ORDER BY run_at) AS nth FROM jobs
             WHERE kind = ? AND ((status = 'pending' AND run_at <= ?) OR (status = 'running' AND locked_until <= ?))
               AND (group_key IS NULL OR group_key NOT IN (SELECT value FROM json_each(?)))
           ) WHERE nth <= ? ORDER BY run_at LIMIT ?`,
        )
        .all(kind, now, now, JSON.stringify(full), Math.min(perGroup, limit), limit * Math.min(perGroup, limit)) as JobColumns[]
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
      const claim = this.db.prepare(
        `UPDATE jobs SET status = 'running', locked_until = ?, attempts = attempts + 1, updated_at = ? WHERE id = ?`,
      )
      for (const r of rows) claim.run(now + leaseMs, now, r.id)
      return rows.map((r) => ({ ...toJob(r), status: 'running' as const, attempts: r.attempts + 1 }))
    }).immediate()
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

  async nextRunAt(kind: string): Promise<number | null> {
    const row = this.db.prepare(`SELECT min(run_at) AS at FROM jobs WHERE kind = ? AND status = 'pending'`).get(kind) as { at: number | null }
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
