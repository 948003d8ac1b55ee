// The Yjs update log of each doc: appended before an update is acknowledged or forwarded, loaded when
// a room opens, and compacted into one merged update.

export interface DocUpdateRow {
  id: number
  data: Uint8Array
}

export interface DocStore {
  appendDocUpdate(doc: string, update: Uint8Array): Promise<number>
  loadDocUpdates(doc: string): Promise<DocUpdateRow[]>
  /** The rows after `afterId`, in order: a process that missed relayed updates catches up from its
   *  last applied id. Rows compacted meanwhile come back as their merge (its id is the compaction's
   *  `throughId`, above `afterId`), so the catch-up converges all the same. */
  loadDocUpdatesAfter(doc: string, afterId: number): Promise<DocUpdateRow[]>
  /** Replaces updates up to and including `throughId` with their merge. */
  compactDoc(doc: string, merged: Uint8Array, throughId: number): Promise<void>
}
