import type Database from 'better-sqlite3'
import type { EmailDirection, EmailRecord, EmailStore } from '../email.ts'
import { type EmailColumns, toRecord } from '../email-rows.ts'

const MAX_LOOKUP = 100

export class SqliteEmailStore implements EmailStore {
  constructor(private readonly db: Database.Database) {}

  async record(r: EmailRecord): Promise<boolean> {
    const result = this.db
      .prepare(
        `INSERT INTO email_messages (rfc_message_id, account_id, sender, conversation_id, message_id, direction, subject, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, sender, rfc_message_id) DO NOTHING`,
      )
      .run(r.rfcMessageId, r.accountId, r.sender, r.conversationId, r.messageId, r.direction, r.subject, r.createdAt)
    return result.changes === 1
  }

  async get(accountId: string, sender: string, rfcMessageId: string): Promise<EmailRecord | null> {
    const r = this.db
      .prepare('SELECT * FROM email_messages WHERE account_id = ? AND sender = ? AND rfc_message_id = ?')
      .get(accountId, sender, rfcMessageId) as EmailColumns | undefined
    return r ? toRecord(r) : null
  }

  async findMany(accountId: string, rfcMessageIds: string[]): Promise<EmailRecord[]> {
    const ids = rfcMessageIds.slice(0, MAX_LOOKUP)
    if (ids.length === 0) return []
    const rows = this.db
      .prepare(`SELECT * FROM email_messages WHERE account_id = ? AND rfc_message_id IN (${ids.map(() => '?').join(', ')})`)
      .all(accountId, ...ids) as EmailColumns[]
    return rows.map(toRecord)
  }

  async threadBefore(conversationId: string, beforeSeq: number): Promise<EmailRecord[]> {
    const rows = this.db
      .prepare(
        `SELECT e.* FROM email_messages e JOIN messages m ON m.id = e.message_id
         WHERE e.conversation_id = ? AND m.seq < ? ORDER BY m.seq`,
      )
      .all(conversationId, beforeSeq) as EmailColumns[]
    return rows.map(toRecord)
  }

  async subjectOf(conversationId: string): Promise<string | null> {
    const row = this.db
      .prepare(
        `SELECT subject FROM email_messages WHERE conversation_id = ? AND direction = 'inbound' AND subject IS NOT NULL AND subject != ''
         ORDER BY created_at, rowid LIMIT 1`,
      )
      .get(conversationId) as { subject: string } | undefined
    return row?.subject ?? null
  }
}
