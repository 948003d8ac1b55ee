import type { ReadMark } from '../../shared/schemas/notifications.ts'

// Unread (issue 12): a conversation is unread to the agent while its newest customer message is
// newer than the agent's read mark. A conversation the agent has no mark for counts as unread when it
// has any customer message at all: the same rule on every device of the agent, whatever each device
// synced first (a "newer than this device's first sync" rule would disagree between devices).

/** The device's copy of the agent's read mark in one conversation. `pending` (0/1, indexable): the
 *  server has not stored it yet; only the newest per conversation is kept, so a burst of reads sends
 *  one request. `exact`: "Mark as unread", which may move the mark back. `version` counts local
 *  changes, so the answer to an older request does not clear a newer one. */
export interface ReadRecord {
  conversationId: string
  seenSeq: number
  at: number
  pending: 0 | 1
  exact: boolean
  version: number
}

export const isUnread = (lastCustomerMessageSeq: number, seenSeq: number | null | undefined): boolean =>
  lastCustomerMessageSeq > (seenSeq ?? 0)

/** The indexed form (IndexedDB cannot index booleans). */
export const unreadFlag = (lastCustomerMessageSeq: number, seenSeq: number | null | undefined): 0 | 1 =>
  isUnread(lastCustomerMessageSeq, seenSeq) ? 1 : 0

/** The agent read the conversation up to `seenSeq`: the new record, or null when that changes nothing
 *  (a mark never moves back by reading). */
export function readUpTo(existing: ReadRecord | undefined, conversationId: string, seenSeq: number, at: number): ReadRecord | null {
  if (seenSeq <= (existing?.seenSeq ?? 0)) return null
  return { conversationId, seenSeq, at, pending: 1, exact: false, version: (existing?.version ?? 0) + 1 }
}

/** "Mark as unread": the mark goes just below the newest customer message. */
export function markedUnread(existing: ReadRecord | undefined, conversationId: string, lastCustomerMessageSeq: number, at: number): ReadRecord {
  return { conversationId, seenSeq: Math.max(0, lastCustomerMessageSeq - 1), at, pending: 1, exact: true, version: (existing?.version ?? 0) + 1 }
}

/** The server's mark arrived through the feed. A local mark still to be sent stays, moved up to the
 *  server's when that is further (another device read more); an explicit unread stays as it is. */
export function withServerMark(existing: ReadRecord | undefined, mark: ReadMark): ReadRecord {
  if (!existing || existing.pending === 0) {
    return { conversationId: mark.conversationId, seenSeq: mark.seenSeq, at: mark.at, pending: 0, exact: false, version: existing?.version ?? 0 }
  }
  if (existing.exact) return existing
  return { ...existing, seenSeq: Math.max(existing.seenSeq, mark.seenSeq) }
}

/** The server stored `sent` and answered with the mark as it now stands: the record to keep, or null
 *  when the agent changed it meanwhile (that newer change is still to be sent). */
export function acknowledged(existing: ReadRecord | undefined, sent: ReadRecord, answer: ReadMark): ReadRecord | null {
  if (!existing || existing.version !== sent.version) return null
  const seenSeq = sent.exact ? answer.seenSeq : Math.max(existing.seenSeq, answer.seenSeq)
  return { ...existing, seenSeq, at: answer.at, pending: 0, exact: false }
}
