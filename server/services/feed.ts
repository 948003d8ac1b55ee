import type { FeedFilter } from '../store/feed.ts'
import type { Store } from '../store/types.ts'

/** Pages of an account's change feed for catch-up (live pushes are the FeedBus's). Entries stay the
 *  JSON text they were stored as, so a page is spliced, not parsed and re-serialised. */
export class FeedService {
  constructor(private readonly store: Store) {}

  read(accountId: string, afterSeq: number, limit: number, only?: FeedFilter): Promise<{ entries: string[]; lastSeq: number }> {
    return this.store.feed.readFeed(accountId, afterSeq, limit, only)
  }
}
