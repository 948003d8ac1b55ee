import type { EmailDirection, EmailRecord, EmailStore } from '../email.ts'
import type { PgDb } from './pg-db.ts'
import { type EmailColumns, toRecord } from '../email-rows.ts'

const MAX_LOOKUP = 100

export class PgEmailStore implements EmailStore {
  constructor(private readonly db: PgDb) {}

  async record(r: EmailRecord): Promise<boolean> {
    const inserted = await this.db.run(
      `INSERT INTO email_messages (rfc_message_id, account_id, sender, conversation_id, message_id, direction, subject, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (account_id, sender, rfc_message_id) DO NOTHING`,
      [r.rfcMessageId, r.accountId, r.sender, r.conversationId, r.messageId, r.direction, r.subject, r.createdAt],
    )
    return inserted === 1
  }

  async get(accountId: string, sender: string, rfcMessageId: string): Promise<EmailRecord | null> {
    const r = await this.db.row<EmailColumns>('SELECT * FROM email_messages WHERE account_id = $1 AND sender = $2 AND rfc_message_id = $3', [
      accountId,
      sender,
      rfcMessageId,
    ])
    return r ? toRecord(r) : null
  }

  async findMany(accountId: string, rfcMessageIds: string[]): Promise<EmailRecord[]> {
    const ids = rfcMessageIds.slice(0, MAX_LOOKUP)
    if (ids.length === 0) return []
    const rows = await this.db.rows<EmailColumns>('SELECT * FROM email_messages WHERE account_id = $1 AND rfc_message_id = ANY($2::text[])', [
      accountId,
      ids,
    ])
    return rows.map(toRecord)
  }

  async threadBefore(conversationId: string, beforeSeq: number): Promise<EmailRecord[]> {
    const rows = await this.db.rows<EmailColumns>(
      `SELECT e.* FROM email_messages e JOIN messages m ON m.id = e.message_id
       WHERE e.conversation_id = $1 AND m.seq < $2 ORDER BY m.seq`,
      [conversationId, beforeSeq],
    )
    return rows.map(toRecord)
  }

  async subjectOf(conversationId: string): Promise<string | null> {
    // ord (insertion order) breaks ties between mails recorded in the same millisecond, as SQLite's rowid does.
    const row = await this.db.row<{ subject: string }>(
      `SELECT subject FROM email_messages WHERE conversation_id = $1 AND direction = 'inbound' AND subject IS NOT NULL AND subject != ''
       ORDER BY created_at, ord LIMIT 1`,
      [conversationId],
    )
    return row?.subject ?? null
  }
}
