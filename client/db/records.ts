import type { ConversationRow } from '../../shared/schemas/conversation.ts'
import type { Contact, Message } from '../../shared/schemas/entities.ts'
import type { Workspace } from '../../shared/schemas/api.ts'
import { waitingSeqOf } from '../lib/conversation-sort.ts'
import { unreadFlag } from '../lib/unread.ts'

/** A conversation as stored on the device: the server's facts plus the projection of the local doc.
 *  `assignee` repeats assigneeId with '' for nobody, because IndexedDB cannot index null. */
export interface ConversationRecord extends ConversationRow {
  assignee: string
  /** lastCustomerMessageSeq while the customer waits for a reply, else 0: indexed for the list's
   *  "Oldest waiting first" (client/lib/conversation-sort.ts). */
  waitingSeq: number
  /** 1 while a customer message is newer than the agent's read mark (client/lib/unread.ts): indexed
   *  so the status tabs count unread conversations without reading every row. */
  unread: 0 | 1
}

export type MessageRecord = Message
export type ContactRecord = Contact

/** A conversation doc's merged Yjs state. `dirty` (0/1, indexable) marks local edits the server has
 *  not yet acknowledged; `version` counts local edits so an acknowledgement of an older push does not
 *  clear a newer edit. */
export interface DocRecord {
  id: string
  update: Uint8Array
  dirty: 0 | 1
  version: number
}

/** waiting: not yet accepted; sending: a request is in flight; sent: accepted, its feed entry not yet
 *  here; held: the send guard found newer messages and the author must decide (DESIGN §4 rule 6);
 *  failed: the server refused it (the agent can retry or discard). */
export type OutboxState = 'waiting' | 'sending' | 'sent' | 'held' | 'failed'

export interface OutboxItem {
  id: string
  conversationId: string
  kind: 'reply' | 'note'
  body: string
  basedOnSeq: number
  authorAgentId: string
  createdAt: number
  state: OutboxState
  error: string | null
  attempts: number
  /** Set by "Send anyway": the author has seen the colliding messages. */
  force?: boolean
  /** What the send guard answered with, while held. */
  collisions?: MessageRecord[]
  /** A note's mentioned agents (teams expanded), notified by the server. */
  mentions?: string[]
}

/** A reply being written, private to its author and kept on the device. `seenSeq` is the newest
 *  message seq when the draft was last edited: a message that arrives while it sits unchanged has
 *  not been read (the send guard's basedOnSeq). */
export interface DraftRecord {
  conversationId: string
  body: string
  seenSeq: number
  updatedAt: number
}

/** The agent's own latest write of a field, kept until it is known to have won or lost. */
export interface WriteRecord {
  conversationId: string
  field: 'status' | 'assignee' | 'team' | 'priority'
  writeId: string
  over: string | null
}

/** "Bob assigned this to himself at the same time": told once, until dismissed. */
export interface NoticeRecord {
  id?: number
  conversationId: string
  text: string
  at: number
}

/** Who else is in a conversation, as the server last said (ephemeral, refreshed on reconnect). */
export interface PresenceRecord {
  conversationId: string
  agents: { id: string; activity: 'viewing' | 'replying' | 'noting' }[]
}

export type MetaRecord =
  | { key: 'cursor'; value: number }
  | { key: 'workspace'; value: Workspace }
  /** A new device reads conversations and contacts first; messages up to `until` follow in the
   *  background from `after` (the history backfill). Absent once complete. */
  | { key: 'backfill'; value: { after: number; until: number } }
  /** The feed entry kinds the device's data was read with: a new app version that knows more kinds
   *  reads the feed again from the start (entries of unknown kinds were skipped). */
  | { key: 'feedKinds'; value: string[] }
  /** Written by the tab that syncs, read by every tab's indicator. */
  | { key: 'connection'; value: { online: boolean; progress: number | null; trouble?: string | null; history?: number | null; connecting?: boolean } }

/** `seenSeq`: the agent's read mark (null: none); absent, a stored row keeps the unread it had. */
export const toConversationRecord = (row: ConversationRow & { unread?: 0 | 1 }, seenSeq?: number | null): ConversationRecord => ({
  ...row,
  assignee: row.assigneeId ?? '',
  waitingSeq: waitingSeqOf(row),
  unread: seenSeq === undefined && row.unread !== undefined ? row.unread : unreadFlag(row, seenSeq),
})

/** A canned response, as the feed delivers it (kept on the device: available offline). */
export interface CannedRecord {
  id: string
  shortCode: string
  content: string
  updatedAt: number
}

/** A file chosen for a reply or note, kept on the device until it is uploaded (offline included). */
export interface UploadRecord {
  id: string
  /** The outbox item it belongs to. */
  outboxId: string
  name: string
  contentType: string
  size: number
  blob: Blob
  /** Set once uploaded: the server's attachment id. */
  attachmentId: string | null
}
