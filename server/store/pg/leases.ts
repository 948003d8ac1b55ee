import type { LeaseStore } from '../leases.ts'
import type { PgDb } from './pg-db.ts'

export class PgLeaseStore implements LeaseStore {
  constructor(private readonly db: PgDb) {}

  async tryAcquire(name: string, holder: string, now: number, until: number): Promise<boolean> {
    // ON CONFLICT takes the row lock, so of two processes racing for an expired lease one updates it
    // and the other then sees the new `until` in its WHERE and changes nothing.
    const changed = await this.db.run(
      `INSERT INTO leases (name, holder, until) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
       WHERE leases.until <= $4 OR leases.holder = excluded.holder`,
      [name, holder, until, now],
    )
    return changed === 1
  }

  async release(name: string, holder: string): Promise<void> {
    await this.db.run('DELETE FROM leases WHERE name = $1 AND holder = $2', [name, holder])
  }
}
