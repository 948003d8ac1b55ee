import type { ConversationRow } from '../../shared/schemas/conversation.ts'
import type { ReadMark } from '../../shared/schemas/notifications.ts'
import { isWaiting } from './conversation-sort.ts'

// Unread (issue 12): a conversation is unread to the agent while its newest customer message is
// newer than the agent's read mark. A conversation the agent has no mark for (one from before read
// marks existed, or one they never opened) is unread while its customer waits for an answer: what a
// colleague already answered is not news, and a new account's history does not all start unread.
// The rule reads only the row's facts, so every device of the agent agrees (a "newer than this
// device's first sync" rule would not).

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

type Facts = Pick<ConversationRow, 'lastCustomerMessageSeq' | 'lastVisibleSeq'>

/** `seenSeq`: the agent's read mark, null (or undefined) when they have none. */
export const isUnread = (row: Facts, seenSeq: number | null | undefined): boolean =>
  seenSeq === null || seenSeq === undefined ? isWaiting(row) : row.lastCustomerMessageSeq > seenSeq

/** The indexed form (IndexedDB cannot index booleans). */
export const unreadFlag = (row: Facts, seenSeq: number | null | undefined): 0 | 1 => (isUnread(row, seenSeq) ? 1 : 0)

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
