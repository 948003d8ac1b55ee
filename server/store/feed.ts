import type { FeedEntry } from '../../shared/schemas/feed.ts'

// Reading each account's change feed. Entries are written only by the other areas, in the
// transaction of the change they describe.

export interface FeedFilter {
  kinds?: FeedEntry['kind'][]
  until?: number
  /** The reading agent: entries meant for another agent alone (shared/feed-audience.ts) are left out. */
  agentId?: string
}

export interface FeedStore {
  /** Entries after a seq (JSON text each), optionally of some kinds only and up to a seq. */
  readFeed(accountId: string, afterSeq: number, limit: number, only?: FeedFilter): Promise<{ entries: string[]; lastSeq: number }>
  lastSeq(accountId: string): Promise<number>
}
