import type { FeedEntry } from '../../shared/schemas/feed.ts'
import type { FeedBus } from './feed-bus.ts'

/** Services hand every feed entry they caused to this, right after the store wrote it. */
export type Publish = (accountId: string, entries: FeedEntry[]) => void

export const publisherFor = (bus: FeedBus): Publish => (accountId, entries) => bus.publish(accountId, entries)
