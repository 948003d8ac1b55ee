import type { FeedFilter, FeedStore } from '../feed.ts'
import type { StatementCache } from './feed-append.ts'

export class SqliteFeedStore implements FeedStore {
  constructor(private readonly statements: StatementCache) {}

  private sql(text: string) {
    return this.statements.sql(text)
  }

  async readFeed(accountId: string, afterSeq: number, limit: number, only: FeedFilter = {}) {
    return this.statements.db.transaction(() => {
      const kinds = only.kinds ?? null
      const rows = (
        kinds
          ? this.sql(
              `SELECT entry FROM feed WHERE account_id = ? AND seq > ? AND seq <= ? AND kind IN (SELECT value FROM json_each(?))
                 AND (audience IS NULL OR audience = ?) ORDER BY seq LIMIT ?`,
            ).all(accountId, afterSeq, only.until ?? Number.MAX_SAFE_INTEGER, JSON.stringify(kinds), only.agentId ?? null, limit)
          : this.sql(
              'SELECT entry FROM feed WHERE account_id = ? AND seq > ? AND seq <= ? AND (audience IS NULL OR audience = ?) ORDER BY seq LIMIT ?',
            ).all(accountId, afterSeq, only.until ?? Number.MAX_SAFE_INTEGER, only.agentId ?? null, limit)
      ) as { entry: string }[]
      return { entries: rows.map((r) => r.entry), lastSeq: this.lastSeqNow(accountId) }
    })()
  }

  private lastSeqNow(accountId: string): number {
    return (this.sql('SELECT last_seq FROM accounts WHERE id = ?').get(accountId) as { last_seq: number } | undefined)?.last_seq ?? 0
  }

  async lastSeq(accountId: string): Promise<number> {
    return this.lastSeqNow(accountId)
  }
}
