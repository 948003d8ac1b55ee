import type Database from 'better-sqlite3'
import type { LeaseStore } from '../leases.ts'

export class SqliteLeaseStore implements LeaseStore {
  constructor(private readonly db: Database.Database) {}

  async tryAcquire(name: string, holder: string, now: number, until: number): Promise<boolean> {
    // One statement: its WHERE is the test, so two processes on one file cannot both win.
    const result = this.db
      .prepare(
        `INSERT INTO leases (name, holder, until) VALUES (?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
         WHERE leases.until <= ? OR leases.holder = excluded.holder`,
      )
      .run(name, holder, until, now)
    return result.changes === 1
  }

  async release(name: string, holder: string): Promise<void> {
    this.db.prepare('DELETE FROM leases WHERE name = ? AND holder = ?').run(name, holder)
  }
}
