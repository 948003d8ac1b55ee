import type { FeedFilter, FeedStore } from '../feed.ts'
import type { PgDb } from './pg-db.ts'

export class PgFeedStore implements FeedStore {
  constructor(private readonly db: PgDb) {}

  async readFeed(accountId: string, afterSeq: number, limit: number, only: FeedFilter = {}) {
    // One statement, so the entries and lastSeq come from one snapshot (SQLite reads them in one
    // transaction): a lastSeq past the entries then only means entries this reader is not to see.
    const rows = await this.db.rows<{ last_seq: number; entry: string | null }>(
      `SELECT a.last_seq, f.entry FROM accounts a
       LEFT JOIN LATERAL (
         SELECT seq, entry FROM feed WHERE account_id = a.id AND seq > $2 AND seq <= $3
           AND ($4::text[] IS NULL OR kind = ANY($4::text[])) AND (audience IS NULL OR audience = $5)
         ORDER BY seq LIMIT $6
       ) f ON true
       WHERE a.id = $1 ORDER BY f.seq`,
      [accountId, afterSeq, only.until ?? Number.MAX_SAFE_INTEGER, only.kinds ?? null, only.agentId ?? null, limit],
    )
    return { entries: rows.flatMap((r) => (r.entry === null ? [] : [r.entry])), lastSeq: rows[0]?.last_seq ?? 0 }
  }

  async lastSeq(accountId: string): Promise<number> {
    return (await this.db.row<{ last_seq: number }>('SELECT last_seq FROM accounts WHERE id = $1', [accountId]))?.last_seq ?? 0
  }
}
