import * as Y from 'yjs'
import type { LiveDoc } from './live-doc.ts'

// A conversation's doc holds a few fields and the shared note: about 20 KB after 1,000 edits by
// three agents (`npm run bench -- client`, doc size). The caps sit 50x above that, so only abuse or a
// runaway client meets them; without them one agent could grow a doc that every device downloads.
export const MAX_DOC_BYTES = 1024 * 1024
/** Updates Yjs keeps aside until the edits they build on arrive (memory only, never stored). */
export const MAX_PENDING_BYTES = 256 * 1024

/** Applying the update would take the doc over a cap: it is refused whole (not applied, stored or
 *  forwarded), and the sender told (room: close 4413; bulk sync: 413 naming the doc). */
export class DocTooLargeError extends Error {
  constructor(readonly conversationId: string) {
    super(`conversation ${conversationId}: its shared state would grow over ${MAX_DOC_BYTES / 1024 / 1024} MiB; the change was not saved`)
  }
}

export function pendingBytes(doc: Y.Doc): number {
  return (doc.store.pendingStructs?.update.byteLength ?? 0) + (doc.store.pendingDs?.byteLength ?? 0)
}

/**
 * Throws DocTooLargeError when the update would take the doc's merged state, or its pending updates,
 * over the caps. The common case (a keystroke) is decided from a running upper bound of the doc's
 * size (`live.approxBytes`: last exact size plus every update since); only near the cap does it pay
 * for an exact encoding, and counts only what the update adds (a client pushing its whole state
 * re-sends mostly what the server has).
 */
export function admit(live: LiveDoc, update: Uint8Array): void {
  const pending = pendingBytes(live.doc)
  if (live.approxBytes + pending + update.byteLength <= MAX_DOC_BYTES && pending + update.byteLength <= MAX_PENDING_BYTES) return
  live.approxBytes = Y.encodeStateAsUpdate(live.doc).byteLength
  const stateVector = Y.encodeStateVector(live.doc)
  const added = Y.diffUpdate(update, stateVector).byteLength
  if (live.approxBytes + pending + added > MAX_DOC_BYTES) throw new DocTooLargeError(live.conversationId)
  if (pending + added > MAX_PENDING_BYTES && buildsOnMissing(update, Y.decodeStateVector(stateVector)))
    throw new DocTooLargeError(live.conversationId)
}

/** Whether the update starts past what the doc has of some client: Yjs would keep it aside. */
function buildsOnMissing(update: Uint8Array, have: Map<number, number>): boolean {
  for (const [client, clock] of Y.parseUpdateMeta(update).from) if (clock > (have.get(client) ?? 0)) return true
  return false
}
