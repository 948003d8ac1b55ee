import type { FeedEntry } from '../../shared/schemas/feed.ts'
import type { ReadMark } from '../../shared/schemas/notifications.ts'

// Each agent's read position per conversation (issue 12). Every change appends a `read` entry for
// that agent alone (shared/feed-audience.ts) in the same transaction; it supersedes the agent's older
// entry for the conversation (entity id `${agentId}:${conversationId}`), so a device catching up reads
// one mark per conversation.

export interface NewReadMark {
  accountId: string
  agentId: string
  conversationId: string
  seenSeq: number
  at: number
  /** Set exactly (an explicit "Mark as unread"); otherwise the mark never moves back. */
  exact?: boolean
}

/** The mark as it stands after the write; `entries` is empty when it did not change. */
export interface ReadWrite {
  mark: ReadMark
  entries: FeedEntry[]
}

export interface ReadStore {
  /** null when the agent has never marked the conversation. */
  get(agentId: string, conversationId: string): Promise<ReadMark | null>
  mark(input: NewReadMark): Promise<ReadWrite>
}

/** The feed entity a mark supersedes under. */
export const readEntityId = (agentId: string, conversationId: string): string => `${agentId}:${conversationId}`

/** The seenSeq a write leaves: the larger of the two, unless it is an explicit unread. */
export const nextSeenSeq = (current: number | null, input: Pick<NewReadMark, 'seenSeq' | 'exact'>): number =>
  input.exact || current === null ? input.seenSeq : Math.max(current, input.seenSeq)
