import Database from 'better-sqlite3'
import type { Contact, Inbox, Team } from '../../../shared/schemas/entities.ts'
import { isCustomerVisible } from '../../../shared/schemas/entities.ts'
import type { ConversationRow } from '../../../shared/schemas/conversation.ts'
import type { FeedEntry } from '../../../shared/schemas/feed.ts'
import type { ConversationState } from '../../../shared/project-conversation.ts'
import { encodeBytes } from '../../../shared/base64.ts'
import { previewOf } from '../../../shared/message-preview.ts'
import type {
  FeedFilter,
  Account,
  AgentRecord,
  DocUpdateRow,
  InsertMessageResult,
  NewConversation,
  NewMessage,
  SessionRecord,
  Store,
  StoredConversation,
} from '../types.ts'
import { migrations } from './migrations.ts'
import type { NewJob } from '../jobs.ts'
import { SqliteJobStore, insertJob } from './jobs.ts'
import { SqliteAttachmentStore } from './attachments.ts'
import { SqliteEmailStore } from './email.ts'
import { SqliteCannedStore } from './canned.ts'
import { SqliteWebhookStore } from './webhooks.ts'
import { SqliteAdminStore } from './admin.ts'
import { SqliteSessionStore } from './sessions.ts'
import { SqliteVisitorStore } from './visitors.ts'
import { SqlitePasswordStore } from './passwords.ts'
import { type Checkpointer, startCheckpointer } from './checkpointer.ts'
import { WalSync } from './wal-sync.ts'
import {
  type AgentColumns,
  type ContactColumns,
  type ConversationColumns,
  type InboxColumns,
  type MessageColumns,
  toAgent,
  toAgentRecord,
  toContact,
  toConversationRow,
  toInbox,
  toMessage,
} from './rows.ts'

// better-sqlite3 is synchronous: each method runs to completion, so a write and its feed entries
// are one transaction and nothing interleaves. The Promise-returning interface is for PostgreSQL.

export function openSqliteStore(file: string): SqliteStore {
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  // Checkpoints happen in a worker thread (checkpointer.ts), not inside a write on the event loop.
  db.pragma('wal_autocheckpoint = 0')
  // NORMAL plus group commit (wal-sync.ts): acknowledgements await `durable()`, one fsync off the event loop.
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  migrate(db)
  return new SqliteStore(db, file === ':memory:' ? null : startCheckpointer(file), file === ':memory:' ? null : new WalSync(file, db))
}

function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)')
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
  )
  migrations.forEach((sql, index) => {
    const version = index + 1
    if (applied.has(version)) return
    db.transaction(() => {
      db.exec(sql)
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(version, Date.now())
    })()
  })
}

/** A message of files only previews as their names. */
const previewText = (m: NewMessage): string =>
  m.body.trim() || (m.attachments?.length ? `📎 ${m.attachments.map((a) => a.name).join(', ')}` : '')

const conversationEntry = (seq: number, row: ConversationRow, docState: Uint8Array | null): FeedEntry => ({
  seq,
  kind: 'conversation',
  conversation: row,
  state: docState === null ? '' : encodeBytes(docState),
})

export class SqliteStore implements Store {
  private readonly statements = new Map<string, Database.Statement>()
  readonly jobs: SqliteJobStore
  readonly attachments: SqliteAttachmentStore
  readonly email: SqliteEmailStore
  readonly canned: SqliteCannedStore
  readonly webhooks: SqliteWebhookStore
  readonly admin: SqliteAdminStore
  readonly sessions: SqliteSessionStore
  readonly visitors: SqliteVisitorStore
  readonly passwords: SqlitePasswordStore

  constructor(
    readonly db: Database.Database,
    private readonly checkpointer: Checkpointer | null = null,
    readonly walSync: WalSync | null = null,
  ) {
    this.jobs = new SqliteJobStore(db)
    this.attachments = new SqliteAttachmentStore(db)
    this.email = new SqliteEmailStore(db)
    this.canned = new SqliteCannedStore(db, (accountId, entityId, entry) => this.append(accountId, entityId, entry(this.nextSeq(accountId))))
    this.webhooks = new SqliteWebhookStore(db)
    this.admin = new SqliteAdminStore(db, (accountId, entityId, entry) => this.append(accountId, entityId, entry(this.nextSeq(accountId))))
    this.sessions = new SqliteSessionStore(db)
    this.visitors = new SqliteVisitorStore(db, (accountId, entityId, entry) => this.append(accountId, entityId, entry(this.nextSeq(accountId))))
    this.passwords = new SqlitePasswordStore(db)
  }

  /** Prepared once per SQL text: the sync path appends an update per keystroke. */
  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text)
    if (!statement) {
      statement = this.db.prepare(text)
      this.statements.set(text, statement)
    }
    return statement
  }

  durable(): Promise<void> {
    return this.walSync?.durable() ?? Promise.resolve()
  }

  async close(): Promise<void> {
    await this.walSync?.close()
    await this.checkpointer?.stop()
    this.db.pragma('wal_checkpoint(TRUNCATE)')
    this.db.close()
  }

  private nextSeq(accountId: string): number {
    const row = this.sql('UPDATE accounts SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq').get(accountId) as
      | { last_seq: number }
      | undefined
    if (!row) throw new Error(`unknown account ${accountId}`)
    return row.last_seq
  }

  /** Appends an entry; contact and conversation entries replace older ones of the same entity, so a
   *  catch-up reads each entity's latest version once, while messages are kept as the log they are. */
  private append(accountId: string, entityId: string, entry: FeedEntry): FeedEntry {
    if (entry.kind !== 'message') {
      // INDEXED BY: left to itself the planner picks the primary key and scans the account's whole feed.
      this.sql('DELETE FROM feed INDEXED BY feed_entity WHERE account_id = ? AND kind = ? AND entity_id = ?')
        .run(accountId, entry.kind, entityId)
    }
    this.sql('INSERT INTO feed (account_id, seq, kind, entity_id, entry) VALUES (?, ?, ?, ?, ?)')
      .run(accountId, entry.seq, entry.kind, entityId, JSON.stringify(entry))
    return entry
  }

  private conversationRow(id: string): ConversationColumns | undefined {
    return this.sql('SELECT * FROM conversations WHERE id = ?').get(id) as ConversationColumns | undefined
  }

  private appendConversation(id: string): FeedEntry {
    const cols = this.conversationRow(id)
    if (!cols) throw new Error(`unknown conversation ${id}`)
    const seq = this.nextSeq(cols.account_id)
    return this.append(cols.account_id, id, conversationEntry(seq, toConversationRow(cols), cols.doc_state))
  }

  async createAccount(account: Account, now: number): Promise<void> {
    this.sql('INSERT INTO accounts (id, name, created_at) VALUES (?, ?, ?)').run(account.id, account.name, now)
  }

  async getAccount(id: string): Promise<Account | null> {
    return (this.sql('SELECT id, name FROM accounts WHERE id = ?').get(id) as Account | undefined) ?? null
  }

  async countAccounts(): Promise<number> {
    return (this.sql('SELECT count(*) AS n FROM accounts').get() as { n: number }).n
  }

  async createAgent(agent: Omit<AgentRecord, 'active'>, now: number): Promise<void> {
    this.sql(
        'INSERT INTO agents (id, account_id, name, email, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(agent.id, agent.accountId, agent.name, agent.email, agent.role, agent.passwordHash, now)
  }

  async getAgent(id: string): Promise<AgentRecord | null> {
    const r = this.sql('SELECT * FROM agents WHERE id = ?').get(id) as AgentColumns | undefined
    return r ? toAgentRecord(r) : null
  }

  async findAgentByEmail(email: string): Promise<AgentRecord | null> {
    const r = this.sql('SELECT * FROM agents WHERE email = ?').get(email) as AgentColumns | undefined
    return r ? toAgentRecord(r) : null
  }

  async listAgents(accountId: string) {
    const rows = this.sql('SELECT * FROM agents WHERE account_id = ? ORDER BY name').all(accountId) as AgentColumns[]
    return rows.map(toAgent)
  }

  async createTeam(team: Team): Promise<void> {
    this.db.transaction(() => {
      this.sql('INSERT INTO teams (id, account_id, name) VALUES (?, ?, ?)').run(team.id, team.accountId, team.name)
      const member = this.sql('INSERT INTO team_members (team_id, agent_id) VALUES (?, ?)')
      for (const agentId of team.memberIds) member.run(team.id, agentId)
    })()
  }

  async listTeams(accountId: string): Promise<Team[]> {
    const teams = this.sql('SELECT id, account_id, name FROM teams WHERE account_id = ? ORDER BY name').all(accountId) as {
      id: string
      account_id: string
      name: string
    }[]
    const members = this.sql('SELECT agent_id FROM team_members WHERE team_id = ? ORDER BY agent_id')
    return teams.map((t) => ({
      id: t.id,
      accountId: t.account_id,
      name: t.name,
      memberIds: (members.all(t.id) as { agent_id: string }[]).map((m) => m.agent_id),
    }))
  }

  async createInbox(inbox: Omit<Inbox, 'archived'> & { tokenHash: string }, now: number): Promise<void> {
    this.sql('INSERT INTO inboxes (id, account_id, name, channel_type, token_hash, created_at, settings) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(inbox.id, inbox.accountId, inbox.name, inbox.channelType, inbox.tokenHash, now, JSON.stringify(inbox.settings))
  }

  async getInbox(id: string): Promise<Inbox | null> {
    const r = this.sql('SELECT * FROM inboxes WHERE id = ?').get(id) as InboxColumns | undefined
    return r ? toInbox(r) : null
  }

  async findInboxByTokenHash(tokenHash: string): Promise<Inbox | null> {
    const r = this.sql('SELECT * FROM inboxes WHERE token_hash = ?').get(tokenHash) as InboxColumns | undefined
    return r ? toInbox(r) : null
  }

  async updateInboxSettings(id: string, settings: Inbox['settings']): Promise<void> {
    this.sql('UPDATE inboxes SET settings = ? WHERE id = ?').run(JSON.stringify(settings), id)
  }

  async findInboxBySetting(key: keyof Inbox['settings'], value: string): Promise<Inbox | null> {
    const r = this.sql(`SELECT * FROM inboxes WHERE json_extract(settings, '$.' || ?) = ?`).get(key, value) as InboxColumns | undefined
    return r ? toInbox(r) : null
  }

  async listInboxes(accountId: string): Promise<Inbox[]> {
    const rows = this.sql('SELECT * FROM inboxes WHERE account_id = ? ORDER BY created_at, name').all(accountId) as InboxColumns[]
    return rows.map(toInbox)
  }

  async createSession(tokenHash: string, s: SessionRecord & { label: string | null }, now: number): Promise<void> {
    this.sql('INSERT INTO sessions (token_hash, agent_id, kind, label, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(tokenHash, s.agentId, s.kind, s.label, now, s.expiresAt)
  }

  async getSession(tokenHash: string): Promise<SessionRecord | null> {
    const r = this.sql('SELECT agent_id, kind, expires_at FROM sessions WHERE token_hash = ?').get(tokenHash) as
      | { agent_id: string; kind: string; expires_at: number }
      | undefined
    return r ? { agentId: r.agent_id, kind: r.kind as SessionRecord['kind'], expiresAt: r.expires_at } : null
  }

  async deleteSession(tokenHash: string): Promise<void> {
    this.sql('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash)
  }

  async insertContact(contact: Contact): Promise<FeedEntry[]> {
    return this.db.transaction(() => {
      this.sql('INSERT INTO contacts (id, account_id, name, email, unverified_email, attributes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(contact.id, contact.accountId, contact.name, contact.email, contact.unverifiedEmail ?? null, JSON.stringify(contact.attributes), contact.createdAt)
      const seq = this.nextSeq(contact.accountId)
      return [this.append(contact.accountId, contact.id, { seq, kind: 'contact', contact })]
    })()
  }

  async getContact(id: string): Promise<Contact | null> {
    const r = this.sql('SELECT * FROM contacts WHERE id = ?').get(id) as ContactColumns | undefined
    return r ? toContact(r) : null
  }

  async updateContact(contact: Contact): Promise<FeedEntry[]> {
    return this.db.transaction(() => {
      this.sql('UPDATE contacts SET name = ?, attributes = ? WHERE id = ?').run(contact.name, JSON.stringify(contact.attributes), contact.id)
      const seq = this.nextSeq(contact.accountId)
      return [this.append(contact.accountId, contact.id, { seq, kind: 'contact', contact })]
    })()
  }

  async findContactByEmail(accountId: string, email: string): Promise<Contact | null> {
    const r = this.sql('SELECT * FROM contacts WHERE account_id = ? AND email = ? ORDER BY created_at LIMIT 1')
      .get(accountId, email) as ContactColumns | undefined
    return r ? toContact(r) : null
  }

  async insertConversation(c: NewConversation, state: ConversationState, docState: Uint8Array) {
    return this.db.transaction(() => {
      const { n } = this.sql(
          'UPDATE accounts SET last_conversation_number = last_conversation_number + 1 WHERE id = ? RETURNING last_conversation_number AS n',
        )
        .get(c.accountId) as { n: number }
      this.sql(
          `INSERT INTO conversations (id, account_id, number, inbox_id, contact_id, created_at, last_activity_at,
             status, snoozed_until, status_seen_seq, status_by, status_at, assignee_id, team_id, priority, labels, doc_state)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          c.id, c.accountId, n, c.inboxId, c.contactId, c.createdAt, c.createdAt,
          state.status, state.snoozedUntil, state.statusSeenSeq, state.statusBy, state.statusAt,
          state.assigneeId, state.teamId, state.priority, JSON.stringify(state.labels), docState,
        )
      const entry = this.appendConversation(c.id)
      return { row: (entry as Extract<FeedEntry, { kind: 'conversation' }>).conversation, entries: [entry] }
    })()
  }

  async getConversation(id: string): Promise<StoredConversation | null> {
    const cols = this.conversationRow(id)
    return cols ? { row: toConversationRow(cols), docState: cols.doc_state } : null
  }

  async findUnresolvedConversation(inboxId: string, contactId: string): Promise<ConversationRow | null> {
    const cols = this.sql(
        `SELECT * FROM conversations WHERE inbox_id = ? AND contact_id = ? AND status != 'resolved'
         ORDER BY created_at DESC LIMIT 1`,
      )
      .get(inboxId, contactId) as ConversationColumns | undefined
    return cols ? toConversationRow(cols) : null
  }

  async listConversationsOfContact(contactId: string): Promise<ConversationRow[]> {
    const rows = this.sql('SELECT * FROM conversations WHERE contact_id = ? ORDER BY created_at DESC')
      .all(contactId) as ConversationColumns[]
    return rows.map(toConversationRow)
  }

  async saveConversationState(id: string, s: ConversationState, docState: Uint8Array, jobs: NewJob[] = []): Promise<FeedEntry[]> {
    return this.db.transaction(() => {
      const changed = this.sql(
          `UPDATE conversations SET status = ?, snoozed_until = ?, status_seen_seq = ?, status_by = ?, status_at = ?,
             assignee_id = ?, team_id = ?, priority = ?, labels = ?, doc_state = ? WHERE id = ?`,
        )
        .run(s.status, s.snoozedUntil, s.statusSeenSeq, s.statusBy, s.statusAt, s.assigneeId, s.teamId, s.priority,
          JSON.stringify(s.labels), docState, id)
      if (changed.changes === 0) return []
      for (const job of jobs) insertJob(this.db, job, job.runAt)
      return [this.appendConversation(id)]
    })()
  }

  async dueSnoozes(now: number) {
    const due = this.sql(`SELECT id, account_id FROM conversations WHERE status = 'snoozed' AND snoozed_until <= ?`)
      .all(now) as { id: string; account_id: string }[]
    const next = this.sql(`SELECT min(snoozed_until) AS at FROM conversations WHERE status = 'snoozed' AND snoozed_until > ?`)
      .get(now) as { at: number | null }
    return { due: due.map((d) => ({ id: d.id, accountId: d.account_id })), next: next.at }
  }

  async insertMessage(m: NewMessage): Promise<InsertMessageResult> {
    return this.db.transaction((): InsertMessageResult => {
      const existing = this.sql('SELECT * FROM messages WHERE id = ?').get(m.id) as MessageColumns | undefined
      if (existing) return { message: toMessage(existing), created: false, entries: [] }
      const seq = this.nextSeq(m.accountId)
      const attachments = m.attachments ?? []
      this.sql(
          'INSERT INTO messages (id, account_id, conversation_id, kind, body, author_agent_id, created_at, seq, attachments, sender_verified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(m.id, m.accountId, m.conversationId, m.kind, m.body, m.authorAgentId, m.createdAt, seq, JSON.stringify(attachments), m.senderVerified === undefined ? null : Number(m.senderVerified))
      const linkAttachment = this.sql('UPDATE attachments SET message_id = ? WHERE id = ? AND account_id = ? AND message_id IS NULL')
      for (const a of attachments) linkAttachment.run(m.id, a.id, m.accountId)
      for (const job of m.jobs ?? []) insertJob(this.db, job, m.createdAt)
      const { jobs: _jobs, ...fields } = m
      const message = { ...fields, seq, attachments }
      const visible = isCustomerVisible(m.kind)
      // Activity lines are not what an agent wants to read in the list, nor a reason to move a
      // conversation to the top: they advance only the seq.
      const shownInList = m.kind !== 'activity'
      this.sql(
          `UPDATE conversations SET
             last_activity_at = CASE WHEN ? THEN max(last_activity_at, ?) ELSE last_activity_at END,
             last_message = CASE WHEN ? THEN ? ELSE last_message END, last_message_seq = ?,
             last_customer_message_seq = CASE WHEN ? THEN ? ELSE last_customer_message_seq END,
             last_visible_seq = CASE WHEN ? THEN ? ELSE last_visible_seq END
           WHERE id = ?`,
        )
        .run(
          shownInList ? 1 : 0, m.createdAt,
          shownInList ? 1 : 0, JSON.stringify(previewOf(m.kind, previewText(m), m.createdAt, m.authorAgentId)), seq,
          m.kind === 'incoming' ? 1 : 0, seq,
          visible ? 1 : 0, seq,
          m.conversationId,
        )
      const messageEntry = this.append(m.accountId, m.id, { seq, kind: 'message', message })
      return { message, created: true, entries: [messageEntry, this.appendConversation(m.conversationId)] }
    })()
  }

  async getMessage(id: string) {
    const r = this.sql('SELECT * FROM messages WHERE id = ?').get(id) as MessageColumns | undefined
    return r ? toMessage(r) : null
  }

  async listMessages(conversationId: string) {
    const rows = this.sql('SELECT * FROM messages WHERE conversation_id = ? ORDER BY seq').all(conversationId) as MessageColumns[]
    return rows.map(toMessage)
  }

  async visibleMessagesAfter(conversationId: string, afterSeq: number) {
    const rows = this.sql(`SELECT * FROM messages WHERE conversation_id = ? AND seq > ? AND kind IN ('incoming', 'reply') ORDER BY seq`)
      .all(conversationId, afterSeq) as MessageColumns[]
    return rows.map(toMessage)
  }

  async readFeed(accountId: string, afterSeq: number, limit: number, only: FeedFilter = {}) {
    return this.db.transaction(() => {
      const kinds = only.kinds ?? null
      const rows = (
        kinds
          ? this.sql(
              `SELECT entry FROM feed WHERE account_id = ? AND seq > ? AND seq <= ? AND kind IN (SELECT value FROM json_each(?)) ORDER BY seq LIMIT ?`,
            ).all(accountId, afterSeq, only.until ?? Number.MAX_SAFE_INTEGER, JSON.stringify(kinds), limit)
          : this.sql('SELECT entry FROM feed WHERE account_id = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?').all(
              accountId,
              afterSeq,
              only.until ?? Number.MAX_SAFE_INTEGER,
              limit,
            )
      ) as { entry: string }[]
      return { entries: rows.map((r) => r.entry), lastSeq: this.lastSeqNow(accountId) }
    })()
  }

  private lastSeqNow(accountId: string): number {
    return (this.sql('SELECT last_seq FROM accounts WHERE id = ?').get(accountId) as { last_seq: number } | undefined)?.last_seq ?? 0
  }

  async lastSeq(accountId: string): Promise<number> {
    return this.lastSeqNow(accountId)
  }

  async appendDocUpdate(doc: string, update: Uint8Array): Promise<number> {
    return Number(this.sql('INSERT INTO doc_updates (doc, data) VALUES (?, ?)').run(doc, update).lastInsertRowid)
  }

  async loadDocUpdates(doc: string): Promise<DocUpdateRow[]> {
    const rows = this.sql('SELECT id, data FROM doc_updates WHERE doc = ? ORDER BY id').all(doc) as { id: number; data: Buffer }[]
    return rows.map((r) => ({ id: r.id, data: new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength) }))
  }

  async compactDoc(doc: string, merged: Uint8Array, throughId: number): Promise<void> {
    this.db.transaction(() => {
      this.sql('DELETE FROM doc_updates WHERE doc = ? AND id <= ?').run(doc, throughId)
      // Keeps the merged state ordered before any update appended after the compaction began.
      this.sql('INSERT INTO doc_updates (id, doc, data) VALUES (?, ?, ?)').run(throughId, doc, merged)
    })()
  }
}
