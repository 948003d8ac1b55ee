import type { Status } from '../../shared/conversation-doc.ts'
import type { ListRow } from '../composables/useConversationList.ts'

// The inbox as this device last showed it: the top rows of the list and the tab counts, kept in
// localStorage so that the next start shows them the moment the app mounts, before IndexedDB has
// answered (the live query replaces them a few hundred ms later, with the same rows unless the
// device learnt something since). One snapshot, of the list last looked at; only for the agent who
// made it.

const KEY = 'inbox.listSnapshot'
/** A tall screen's worth: more would only slow every write. */
export const SNAPSHOT_ROWS = 16

type Counts = Record<Status, number>

export interface ListSnapshot {
  agentId: string
  /** Which list (filter, status, inbox, order): another list never shows these rows. */
  list: string
  rows: ListRow[]
  counts: Counts
  unread: Counts
}

export function readListSnapshot(agentId: string, list: string): ListSnapshot | null {
  try {
    const snapshot = JSON.parse(localStorage.getItem(KEY) ?? 'null') as ListSnapshot | null
    return snapshot && snapshot.agentId === agentId && snapshot.list === list && Array.isArray(snapshot.rows) ? snapshot : null
  } catch {
    return null
  }
}

export function writeListSnapshot(snapshot: ListSnapshot): void {
  try {
    localStorage.setItem(KEY, JSON.stringify({ ...snapshot, rows: snapshot.rows.slice(0, SNAPSHOT_ROWS) }))
  } catch {
    // A full localStorage only costs the next start its head start.
  }
}

export function forgetListSnapshot(): void {
  localStorage.removeItem(KEY)
}
