/** The search index as last saved (MiniSearch's JSON), so a warm start loads it instead of rebuilding. */
export interface SearchIndexRecord {
  id: 'conversations'
  format: number
  json: string
  savedAt: number
}

/** A conversation whose searchable content changed since the index was saved. Written by the feed in
 *  the same transaction as the change, so an index saved before it is known to be behind, whichever
 *  tab (or none) had the search open. Deleted by key once a saved index includes it. */
export interface SearchPendingRecord {
  key?: number
  conversationId: string
}
