import { isCustomerVisible } from '../../../shared/schemas/entities.ts'
import type { ConversationRow } from '../../../shared/schemas/conversation.ts'
import type { FeedEntry } from '../../../shared/schemas/feed.ts'
import type { ConversationState } from '../../../shared/project-conversation.ts'
import { encodeBytes } from '../../../shared/base64.ts'
import { previewOf } from '../../../shared/message-preview.ts'
import type { ConversationStore, InsertMessageResult, NewConversation, NewMessage, StoredConversation } from '../conversations.ts'
import type { NewJob } from '../jobs.ts'
import { insertJob } from './jobs.ts'
import type { FeedAppender, StatementCache } from './feed-append.ts'
import { type ConversationColumns, type MessageColumns, mentionsColumn, toConversationRow, toMessage } from '../rows.ts'

/** A message of files only previews as their names. */
const previewText = (m: NewMessage): string =>
  m.body.trim() || (m.attachments?.length ? `📎 ${m.attachments.map((a) => a.name).join(', ')}` : '')

const conversationEntry = (seq: number, row: ConversationRow, docState: Uint8Array | null): FeedEntry => ({
  seq,
  kind: 'conversation',
  conversation: row,
  state: docState === null ? '' : encodeBytes(docState),
})

export class SqliteConversationStore implements ConversationStore {
  constructor(
    private readonly statements: StatementCache,
    private readonly feed: FeedAppender,
  ) {}

  private sql(text: string) {
    return this.statements.sql(text)
  }

  private transaction<T>(fn: () => T): T {
    return this.statements.db.transaction(fn)()
  }

  private conversationRow(id: string): ConversationColumns | undefined {
    return this.sql('SELECT * FROM conversations WHERE id = ?').get(id) as ConversationColumns | undefined
  }

  private appendConversation(id: string): FeedEntry {
    const cols = this.conversationRow(id)
    if (!cols) throw new Error(`unknown conversation ${id}`)
    const seq = this.feed.nextSeq(cols.account_id)
    return this.feed.append(cols.account_id, id, conversationEntry(seq, toConversationRow(cols), cols.doc_state))
  }

  async insertConversation(c: NewConversation, state: ConversationState, docState: Uint8Array) {
    return this.transaction(() => {
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
    })
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
    return this.transaction(() => {
      const changed = this.sql(
          `UPDATE conversations SET status = ?, snoozed_until = ?, status_seen_seq = ?, status_by = ?, status_at = ?,
             assignee_id = ?, team_id = ?, priority = ?, labels = ?, doc_state = ? WHERE id = ?`,
        )
        .run(s.status, s.snoozedUntil, s.statusSeenSeq, s.statusBy, s.statusAt, s.assigneeId, s.teamId, s.priority,
          JSON.stringify(s.labels), docState, id)
      if (changed.changes === 0) return []
      for (const job of jobs) insertJob(this.statements.db, job, job.runAt)
      return [this.appendConversation(id)]
    })
  }

  async dueSnoozes(now: number) {
    const due = this.sql(`SELECT id, account_id FROM conversations WHERE status = 'snoozed' AND snoozed_until <= ?`)
      .all(now) as { id: string; account_id: string }[]
    const next = this.sql(`SELECT min(snoozed_until) AS at FROM conversations WHERE status = 'snoozed' AND snoozed_until > ?`)
      .get(now) as { at: number | null }
    return { due: due.map((d) => ({ id: d.id, accountId: d.account_id })), next: next.at }
  }

  async insertMessage(m: NewMessage): Promise<InsertMessageResult> {
    return this.transaction((): InsertMessageResult => {
      const existing = this.sql('SELECT * FROM messages WHERE id = ?').get(m.id) as MessageColumns | undefined
      if (existing) return { message: toMessage(existing), created: false, entries: [] }
      if (m.guard) m.guard.check(this.visibleAfter(m.conversationId, m.guard.afterSeq))
      const seq = this.feed.nextSeq(m.accountId)
      const attachments = m.attachments ?? []
      this.sql(
          'INSERT INTO messages (id, account_id, conversation_id, kind, body, author_agent_id, created_at, seq, attachments, sender_verified, mentions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(m.id, m.accountId, m.conversationId, m.kind, m.body, m.authorAgentId, m.createdAt, seq, JSON.stringify(attachments), m.senderVerified === undefined ? null : Number(m.senderVerified), mentionsColumn(m.mentions))
      const linkAttachment = this.sql('UPDATE attachments SET message_id = ? WHERE id = ? AND account_id = ? AND message_id IS NULL')
      for (const a of attachments) linkAttachment.run(m.id, a.id, m.accountId)
      for (const job of m.jobs ?? []) insertJob(this.statements.db, job, m.createdAt)
      const { jobs: _jobs, guard: _guard, mentions, ...fields } = m
      const message = { ...fields, seq, attachments, ...(mentions?.length ? { mentions } : {}) }
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
      const messageEntry = this.feed.append(m.accountId, m.id, { seq, kind: 'message', message })
      return { message, created: true, entries: [messageEntry, this.appendConversation(m.conversationId)] }
    })
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
    return this.visibleAfter(conversationId, afterSeq)
  }

  private visibleAfter(conversationId: string, afterSeq: number) {
    const rows = this.sql(`SELECT * FROM messages WHERE conversation_id = ? AND seq > ? AND kind IN ('incoming', 'reply') ORDER BY seq`)
      .all(conversationId, afterSeq) as MessageColumns[]
    return rows.map(toMessage)
  }
}
