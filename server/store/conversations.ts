import type { Attachment, Message, MessageKind } from '../../shared/schemas/entities.ts'
import type { ConversationRow } from '../../shared/schemas/conversation.ts'
import type { FeedEntry } from '../../shared/schemas/feed.ts'
import type { ConversationState } from '../../shared/project-conversation.ts'
import type { NewJob } from './jobs.ts'

// Conversations and their messages, one area because a message moves its conversation's projection
// (last message, activity, seqs) in the same transaction, with both feed entries.

export interface NewConversation {
  id: string
  accountId: string
  inboxId: string
  contactId: string
  createdAt: number
}

export interface NewMessage {
  id: string
  accountId: string
  conversationId: string
  kind: MessageKind
  body: string
  authorAgentId: string | null
  createdAt: number
  /** Uploaded files to attach; they become the message's in the same transaction. */
  attachments?: Attachment[]
  /** Incoming email only: whether the sender could be verified (Message.senderVerified). */
  senderVerified?: boolean
  /** A note's mentioned agents (Message.mentions). */
  mentions?: string[]
  /** Work the message causes (its mail, its webhooks), queued in the same transaction, only if the
   *  message is new (transactional outbox). */
  jobs?: NewJob[]
  /** The send guard (DESIGN §4 rule 6): called with the customer-visible messages after `afterSeq`
   *  inside the insert's transaction, once no other message of the account can be stored before this
   *  one (the account's feed row is locked), so no process can slip one in between; it throws to
   *  refuse, and nothing is written. */
  guard?: { afterSeq: number; check(newer: Message[]): void }
}

export interface InsertMessageResult {
  message: Message
  /** false when a message with this id already existed: the first result is returned, nothing is written. */
  created: boolean
  entries: FeedEntry[]
}

export interface StoredConversation {
  row: ConversationRow
  docState: Uint8Array | null
}

export interface ConversationStore {
  /** Creates the conversation with the next per-account number and its initial projection. */
  insertConversation(
    conversation: NewConversation,
    state: ConversationState,
    docState: Uint8Array,
  ): Promise<{ row: ConversationRow; entries: FeedEntry[] }>
  getConversation(id: string): Promise<StoredConversation | null>
  /** The contact's newest conversation in the inbox that is not resolved. */
  findUnresolvedConversation(inboxId: string, contactId: string): Promise<ConversationRow | null>
  listConversationsOfContact(contactId: string): Promise<ConversationRow[]>
  /** Writes a new projection of the doc and its state; emits a conversation entry. `jobs` (what the
   *  change causes: webhook deliveries) are queued in the same transaction. */
  saveConversationState(id: string, state: ConversationState, docState: Uint8Array, jobs?: NewJob[]): Promise<FeedEntry[]>
  /** Snoozed conversations due at `now`, and the earliest future wake-up time. */
  dueSnoozes(now: number): Promise<{ due: { id: string; accountId: string }[]; next: number | null }>

  /** Idempotent on the message id: a second insert with the same id returns the first message. */
  insertMessage(message: NewMessage): Promise<InsertMessageResult>
  getMessage(id: string): Promise<Message | null>
  listMessages(conversationId: string): Promise<Message[]>
  /** Customer-visible messages (incoming, reply) newer than a seq. */
  visibleMessagesAfter(conversationId: string, afterSeq: number): Promise<Message[]>
}
