import type {
  Agent,
  Attachment,
  ChannelType,
  Contact,
  Inbox,
  Message,
  MessageKind,
  Team,
} from '../../shared/schemas/entities.ts'
import type { ConversationFacts, ConversationRow } from '../../shared/schemas/conversation.ts'
import type { FeedEntry } from '../../shared/schemas/feed.ts'
import type { ConversationState } from '../../shared/project-conversation.ts'
import type { JobStore, NewJob } from './jobs.ts'
import type { AttachmentStore } from './attachments.ts'
import type { EmailStore } from './email.ts'
import type { CannedStore } from './canned.ts'
import type { WebhookStore } from './webhooks.ts'
import type { AdminStore } from './admin.ts'
import type { SessionStore } from './sessions.ts'
import type { VisitorStore } from './visitors.ts'
import type { PasswordStore } from './passwords.ts'

// The one storage interface (DESIGN §2, §6): only implementations of Store speak SQL. Every write
// that changes what clients see appends to the account's change feed in the same transaction and
// returns the new entries, so callers can push them without reading the feed back.

export interface Account {
  id: string
  name: string
}

export interface AgentRecord extends Agent {
  passwordHash: string
}

export interface SessionRecord {
  agentId: string
  kind: 'session' | 'api'
  expiresAt: number
}

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
  /** Work the message causes (its mail, its webhooks), queued in the same transaction, only if the
   *  message is new (transactional outbox). */
  jobs?: NewJob[]
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

export interface DocUpdateRow {
  id: number
  data: Uint8Array
}

export interface FeedFilter {
  kinds?: FeedEntry['kind'][]
  until?: number
}

export interface Store {
  /** The persistent job queue (outbound mail, webhook deliveries). */
  readonly jobs: JobStore
  /** Files uploaded for messages (the bytes live under DATA_DIR, by content hash). */
  readonly attachments: AttachmentStore
  /** Email threading: the Message-IDs of mail received and sent, per conversation. */
  readonly email: EmailStore
  /** Canned responses of each account (every change is a `canned` feed entry). */
  readonly canned: CannedStore
  /** Webhooks of each account and their delivery log. */
  readonly webhooks: WebhookStore
  /** Setup, invitations, agents, teams and inboxes (every change is a `directory` feed entry). */
  readonly admin: AdminStore
  /** Sessions and API tokens ended in bulk, listed, and their last use. */
  readonly sessions: SessionStore
  /** Website visitors (widget sessions), revocable one by one. */
  readonly visitors: VisitorStore
  /** Agents' password hashes (upgraded after sign-in when their parameters are weaker than today's). */
  readonly passwords: PasswordStore

  /** Resolves once every write committed so far is on disk (power loss included): whoever
   *  acknowledges a write (a 2xx to a change, an SMTP 250) awaits it first. */
  durable(): Promise<void>
  close(): Promise<void>

  createAccount(account: Account, now: number): Promise<void>
  getAccount(id: string): Promise<Account | null>
  countAccounts(): Promise<number>

  createAgent(agent: Omit<AgentRecord, 'active'>, now: number): Promise<void>
  getAgent(id: string): Promise<AgentRecord | null>
  findAgentByEmail(email: string): Promise<AgentRecord | null>
  listAgents(accountId: string): Promise<Agent[]>

  createTeam(team: Team): Promise<void>
  listTeams(accountId: string): Promise<Team[]>

  createInbox(inbox: Omit<Inbox, 'archived'> & { tokenHash: string }, now: number): Promise<void>
  getInbox(id: string): Promise<Inbox | null>
  findInboxByTokenHash(tokenHash: string): Promise<Inbox | null>
  listInboxes(accountId: string): Promise<Inbox[]>
  updateInboxSettings(id: string, settings: Inbox['settings']): Promise<void>
  /** The inbox whose settings hold this value (an email address, a widget key). */
  findInboxBySetting(key: keyof Inbox['settings'], value: string): Promise<Inbox | null>

  createSession(tokenHash: string, session: SessionRecord & { label: string | null }, now: number): Promise<void>
  getSession(tokenHash: string): Promise<SessionRecord | null>
  deleteSession(tokenHash: string): Promise<void>

  insertContact(contact: Contact): Promise<FeedEntry[]>
  getContact(id: string): Promise<Contact | null>
  findContactByEmail(accountId: string, email: string): Promise<Contact | null>
  /** Replaces the contact's name and attributes; emits a contact entry. */
  updateContact(contact: Contact): Promise<FeedEntry[]>

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

  /** Entries after a seq (JSON text each), optionally of some kinds only and up to a seq. */
  readFeed(accountId: string, afterSeq: number, limit: number, only?: FeedFilter): Promise<{ entries: string[]; lastSeq: number }>
  lastSeq(accountId: string): Promise<number>

  appendDocUpdate(doc: string, update: Uint8Array): Promise<number>
  loadDocUpdates(doc: string): Promise<DocUpdateRow[]>
  /** Replaces updates up to and including `throughId` with their merge. */
  compactDoc(doc: string, merged: Uint8Array, throughId: number): Promise<void>
}

export type { ConversationFacts, ChannelType }
