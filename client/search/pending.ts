import type { InboxDatabase } from '../db/database.ts'

/** Marks conversations for re-indexing; call inside the transaction that changes them. Kept apart from
 *  the index itself so the feed does not load MiniSearch (the search is loaded lazily). */
export async function markForSearch(db: InboxDatabase, conversationIds: Iterable<string>, contactIds: string[] = []): Promise<void> {
  const ids = new Set(conversationIds)
  if (contactIds.length > 0) for (const id of await db.conversations.where('contactId').anyOf(contactIds).primaryKeys()) ids.add(id)
  if (ids.size > 0) await db.searchPending.bulkAdd([...ids].map((conversationId) => ({ conversationId })))
}
