import type Database from 'better-sqlite3'
import type { AttachmentRecord, AttachmentStore } from '../attachments.ts'

interface AttachmentColumns {
  id: string
  account_id: string
  sha256: string
  name: string
  content_type: string
  size: number
  uploaded_by: string | null
  created_at: number
  message_id: string | null
}

export class SqliteAttachmentStore implements AttachmentStore {
  constructor(private readonly db: Database.Database) {}

  async insert(a: AttachmentRecord): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO attachments (id, account_id, sha256, name, content_type, size, uploaded_by, created_at, message_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(a.id, a.accountId, a.sha256, a.name, a.contentType, a.size, a.uploadedBy, a.createdAt, a.messageId)
  }

  async get(id: string): Promise<AttachmentRecord | null> {
    const r = this.db.prepare('SELECT * FROM attachments WHERE id = ?').get(id) as AttachmentColumns | undefined
    return r
      ? {
          id: r.id,
          accountId: r.account_id,
          sha256: r.sha256,
          name: r.name,
          contentType: r.content_type,
          size: r.size,
          uploadedBy: r.uploaded_by,
          createdAt: r.created_at,
          messageId: r.message_id,
        }
      : null
  }
}
