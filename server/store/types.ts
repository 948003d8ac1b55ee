import type { ChannelType } from '../../shared/schemas/entities.ts'
import type { ConversationFacts } from '../../shared/schemas/conversation.ts'
import type { JobStore } from './jobs.ts'
import type { AttachmentStore } from './attachments.ts'
import type { EmailStore } from './email.ts'
import type { CannedStore } from './canned.ts'
import type { WebhookStore } from './webhooks.ts'
import type { AdminStore } from './admin.ts'
import type { SessionStore } from './sessions.ts'
import type { VisitorStore } from './visitors.ts'
import type { PasswordStore } from './passwords.ts'
import type { DirectoryStore } from './directory.ts'
import type { ContactStore } from './contacts.ts'
import type { ConversationStore } from './conversations.ts'
import type { FeedStore } from './feed.ts'
import type { DocStore } from './docs.ts'
import type { PushStore } from './push.ts'
import type { AttributeStore } from './attributes.ts'
import type { ReadStore } from './reads.ts'
import type { NotificationStore } from './notifications.ts'
import type { LeaseStore } from './leases.ts'

// The one storage interface (DESIGN §2, §6): only implementations of Store speak SQL. It is composed
// of one store per area, all on one database. Every write that changes what clients see appends to
// the account's change feed in the same transaction and returns the new entries, so callers can push
// them without reading the feed back.

export interface Store {
  /** Accounts, agents, teams and inboxes as they are looked up (and created by setup and tests). */
  readonly directory: DirectoryStore
  /** Customers (every change is a `contact` feed entry). */
  readonly contacts: ContactStore
  /** Conversations and their messages (every change is a `conversation` and/or `message` entry). */
  readonly conversations: ConversationStore
  /** Reading each account's change feed. */
  readonly feed: FeedStore
  /** The Yjs update log of each doc, and its compaction. */
  readonly docs: DocStore
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
  /** Sessions and API tokens: created, looked up, ended one by one or in bulk, listed, and their last use. */
  readonly sessions: SessionStore
  /** Website visitors (widget sessions), revocable one by one. */
  readonly visitors: VisitorStore
  /** Agents' password hashes (upgraded after sign-in when their parameters are weaker than today's). */
  readonly passwords: PasswordStore
  /** Web Push: the VAPID key pair and agents' browser subscriptions. */
  readonly push: PushStore
  /** Contact custom attributes: the definitions (in the `directory` entry) and contacts' values (`contact` entries). */
  readonly attributes: AttributeStore
  /** Each agent's read position per conversation (every change is a `read` entry for that agent alone). */
  readonly reads: ReadStore
  /** Each agent's notifications (every change is a `notification` entry for that agent alone). */
  readonly notifications: NotificationStore
  /** Named leases: work one process of several runs at a time (snooze wake-ups, compaction). */
  readonly leases: LeaseStore

  /** Resolves once every write committed so far is on disk (power loss included): whoever
   *  acknowledges a write (a 2xx to a change, an SMTP 250) awaits it first. */
  durable(): Promise<void>
  /** Runs `fn` while no other process starting on the same database runs its own: start-up's
   *  "empty database? then seed it" must happen once when several processes start together. */
  withStartupLock<T>(fn: () => Promise<T>): Promise<T>
  /** Runs `fn` with every store call it makes, directly or through services, in one transaction
   *  that commits once when `fn` resolves: all of it is kept, or, if `fn` throws, none of it. A call
   *  that fails inside is undone alone, as its own transaction would be (a store method's failed
   *  statement outside its transaction, which none makes on purpose, fails the whole on PostgreSQL).
   *  Calls inside take turns, each whole, so feed numbers stay gap-free and in commit order. Made
   *  for work that runs alone, the demo seed at start-up: on SQLite, whatever else the process
   *  writes meanwhile joins it; on PostgreSQL, the rows it writes stay locked until it ends. */
  inOneTransaction<T>(fn: () => Promise<T>): Promise<T>
  close(): Promise<void>
}

// The areas' types, re-exported so callers name them from one place.
export type { Account, AgentRecord } from './directory.ts'
export type { SessionRecord } from './sessions.ts'
export type { NewConversation, NewMessage, InsertMessageResult, StoredConversation } from './conversations.ts'
export type { FeedFilter } from './feed.ts'
export type { DocUpdateRow } from './docs.ts'
export type { ConversationFacts, ChannelType }
