import { isCustomerVisible } from '../../../shared/schemas/entities.ts'
import type { ConversationRow } from '../../../shared/schemas/conversation.ts'
import type { FeedEntry } from '../../../shared/schemas/feed.ts'
import type { ConversationState } from '../../../shared/project-conversation.ts'
import { encodeBytes } from '../../../shared/base64.ts'
import { previewOf } from '../../../shared/message-preview.ts'
import type { ConversationStore, InsertMessageResult, NewConversation, NewMessage, StoredConversation } from '../conversations.ts'
import type { NewJob } from '../jobs.ts'
import { type ConversationColumns, type MessageColumns, mentionsColumn, toConversationRow, toMessage } from '../rows.ts'
import { appendEntry, nextSeq } from './feed-append.ts'
import { insertJob } from './jobs.ts'
import type { PgDb, Sql } from './pg-db.ts'

// Lock order, in every write here: the account's counter row first (nextSeq, or the conversation
// number), then the conversation row. A writer taking them the other way round could deadlock with
// a message insert of the same conversation.

/** A message of files only previews as their names. */
const previewText = (m: NewMessage): string =>
  m.body.trim() || (m.attachments?.length ? `📎 ${m.attachments.map((a) => a.name).join(', ')}` : '')

const conversationEntry = (seq: number, cols: ConversationColumns): FeedEntry => ({
  seq,
  kind: 'conversation',
  conversation: toConversationRow(cols),
  state: cols.doc_state === null ? '' : encodeBytes(cols.doc_state),
})

/** Thrown inside the insert's transaction to roll back the seq it took: the id was stored meanwhile. */
class AlreadyStored extends Error {}

async function conversationRow(sql: Sql, id: string): Promise<ConversationColumns | undefined> {
  return sql.row<ConversationColumns>('SELECT * FROM conversations WHERE id = $1', [id])
}

/** The conversation entry with `seq` (taken by the caller in its transaction, before it changed the row). */
async function appendConversation(sql: Sql, id: string, seq: number): Promise<FeedEntry> {
  const cols = await conversationRow(sql, id)
  if (!cols) throw new Error(`unknown conversation ${id}`)
  return appendEntry(sql, cols.account_id, id, conversationEntry(seq, cols))
}

async function messageRow(sql: Sql, id: string): Promise<MessageColumns | undefined> {
  return sql.row<MessageColumns>('SELECT * FROM messages WHERE id = $1', [id])
}

export class PgConversationStore implements ConversationStore {
  constructor(private readonly db: PgDb) {}

  insertConversation(c: NewConversation, state: ConversationState, docState: Uint8Array) {
    return this.db.tx(async (sql) => {
      const { n } = (await sql.row<{ n: number }>(
        'UPDATE accounts SET last_conversation_number = last_conversation_number + 1 WHERE id = $1 RETURNING last_conversation_number AS n',
        [c.accountId],
      ))!
      await sql.run(
        `INSERT INTO conversations (id, account_id, number, inbox_id, contact_id, created_at, last_activity_at,
           status, snoozed_until, status_seen_seq, status_by, status_at, assignee_id, team_id, priority, labels, doc_state)
         VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
        [
          c.id, c.accountId, n, c.inboxId, c.contactId, c.createdAt,
          state.status, state.snoozedUntil, state.statusSeenSeq, state.statusBy, state.statusAt,
          state.assigneeId, state.teamId, state.priority, JSON.stringify(state.labels), docState,
        ],
      )
      const entry = await appendConversation(sql, c.id, await nextSeq(sql, c.accountId))
      return { row: (entry as Extract<FeedEntry, { kind: 'conversation' }>).conversation, entries: [entry] }
    })
  }

  async getConversation(id: string): Promise<StoredConversation | null> {
    const cols = await conversationRow(this.db, id)
    return cols ? { row: toConversationRow(cols), docState: cols.doc_state } : null
  }

  async findUnresolvedConversation(inboxId: string, contactId: string): Promise<ConversationRow | null> {
    const cols = await this.db.row<ConversationColumns>(
      `SELECT * FROM conversations WHERE inbox_id = $1 AND contact_id = $2 AND status != 'resolved'
       ORDER BY created_at DESC LIMIT 1`,
      [inboxId, contactId],
    )
    return cols ? toConversationRow(cols) : null
  }

  async listConversationsOfContact(contactId: string): Promise<ConversationRow[]> {
    const rows = await this.db.rows<ConversationColumns>('SELECT * FROM conversations WHERE contact_id = $1 ORDER BY created_at DESC', [contactId])
    return rows.map(toConversationRow)
  }

  saveConversationState(id: string, s: ConversationState, docState: Uint8Array, jobs: NewJob[] = []): Promise<FeedEntry[]> {
    return this.db.tx(async (sql) => {
      const owner = await sql.row<{ account_id: string }>('SELECT account_id FROM conversations WHERE id = $1', [id])
      if (!owner) return []
      const seq = await nextSeq(sql, owner.account_id)
      await sql.run(
        `UPDATE conversations SET status = $1, snoozed_until = $2, status_seen_seq = $3, status_by = $4, status_at = $5,
           assignee_id = $6, team_id = $7, priority = $8, labels = $9, doc_state = $10 WHERE id = $11`,
        [s.status, s.snoozedUntil, s.statusSeenSeq, s.statusBy, s.statusAt, s.assigneeId, s.teamId, s.priority, JSON.stringify(s.labels), docState, id],
      )
      for (const job of jobs) await insertJob(sql, job, job.runAt)
      return [await appendConversation(sql, id, seq)]
    })
  }

  async dueSnoozes(now: number) {
    const due = await this.db.rows<{ id: string; account_id: string }>(
      `SELECT id, account_id FROM conversations WHERE status = 'snoozed' AND snoozed_until <= $1`,
      [now],
    )
    const next = await this.db.row<{ at: number | null }>(
      `SELECT min(snoozed_until) AS at FROM conversations WHERE status = 'snoozed' AND snoozed_until > $1`,
      [now],
    )
    return { due: due.map((d) => ({ id: d.id, accountId: d.account_id })), next: next?.at ?? null }
  }

  async insertMessage(m: NewMessage): Promise<InsertMessageResult> {
    const existing = await messageRow(this.db, m.id)
    if (existing) return { message: toMessage(existing), created: false, entries: [] }
    try {
      return await this.db.tx((sql) => this.insertNewMessage(sql, m))
    } catch (error) {
      if (!(error instanceof AlreadyStored)) throw error
      return { message: toMessage((await messageRow(this.db, m.id))!), created: false, entries: [] }
    }
  }

  private async insertNewMessage(sql: Sql, m: NewMessage): Promise<InsertMessageResult> {
    const seq = await nextSeq(sql, m.accountId)
    if (m.guard) m.guard.check(await visibleAfter(sql, m.conversationId, m.guard.afterSeq))
    const attachments = m.attachments ?? []
    // A concurrent insert of the same id waits here for the other transaction and then does nothing:
    // the first one wins, and this one rolls back its seq (no gap, no second entry).
    const inserted = await sql.run(
      `INSERT INTO messages (id, account_id, conversation_id, kind, body, author_agent_id, created_at, seq, attachments, sender_verified, mentions)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (id) DO NOTHING`,
      [m.id, m.accountId, m.conversationId, m.kind, m.body, m.authorAgentId, m.createdAt, seq, JSON.stringify(attachments),
        m.senderVerified === undefined ? null : Number(m.senderVerified), mentionsColumn(m.mentions)],
    )
    if (inserted === 0) throw new AlreadyStored()
    for (const a of attachments) {
      await sql.run('UPDATE attachments SET message_id = $1 WHERE id = $2 AND account_id = $3 AND message_id IS NULL', [m.id, a.id, m.accountId])
    }
    for (const job of m.jobs ?? []) await insertJob(sql, job, m.createdAt)
    const { jobs: _jobs, guard: _guard, mentions, ...fields } = m
    const message = { ...fields, seq, attachments, ...(mentions?.length ? { mentions } : {}) }
    // Activity lines are not what an agent wants to read in the list, nor a reason to move a
    // conversation to the top: they advance only the seq.
    const shownInList = m.kind !== 'activity'
    await sql.run(
      `UPDATE conversations SET
         last_activity_at = CASE WHEN $1 THEN GREATEST(last_activity_at, $2) ELSE last_activity_at END,
         last_message = CASE WHEN $1 THEN $3 ELSE last_message END, last_message_seq = $4,
         last_customer_message_seq = CASE WHEN $5 THEN $4 ELSE last_customer_message_seq END,
         last_visible_seq = CASE WHEN $6 THEN $4 ELSE last_visible_seq END
       WHERE id = $7`,
      [shownInList, m.createdAt, JSON.stringify(previewOf(m.kind, previewText(m), m.createdAt, m.authorAgentId)), seq,
        m.kind === 'incoming', isCustomerVisible(m.kind), m.conversationId],
    )
    const messageEntry = await appendEntry(sql, m.accountId, m.id, { seq, kind: 'message', message })
    return { message, created: true, entries: [messageEntry, await appendConversation(sql, m.conversationId, await nextSeq(sql, m.accountId))] }
  }

  async getMessage(id: string) {
    const r = await messageRow(this.db, id)
    return r ? toMessage(r) : null
  }

  async listMessages(conversationId: string) {
    const rows = await this.db.rows<MessageColumns>('SELECT * FROM messages WHERE conversation_id = $1 ORDER BY seq', [conversationId])
    return rows.map(toMessage)
  }

  visibleMessagesAfter(conversationId: string, afterSeq: number) {
    return visibleAfter(this.db, conversationId, afterSeq)
  }
}

async function visibleAfter(sql: Sql, conversationId: string, afterSeq: number) {
  const rows = await sql.rows<MessageColumns>(
    `SELECT * FROM messages WHERE conversation_id = $1 AND seq > $2 AND kind IN ('incoming', 'reply') ORDER BY seq`,
    [conversationId, afterSeq],
  )
  return rows.map(toMessage)
}
