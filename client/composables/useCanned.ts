import type { InboxDatabase } from '../db/database.ts'
import type { CannedRecord } from '../db/records.ts'
import { useLiveQuery } from './useLiveQuery.ts'

/** The account's canned responses as this device stored them from the feed (offline too), by short code. */
export function useCanned(db: InboxDatabase) {
  return useLiveQuery(() => db.canned.orderBy('shortCode').toArray(), [], [] as CannedRecord[])
}
