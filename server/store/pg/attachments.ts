import type { AttachmentRecord, AttachmentStore } from '../attachments.ts'
import type { PgDb } from './pg-db.ts'

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

export class PgAttachmentStore implements AttachmentStore {
  constructor(private readonly db: PgDb) {}

  async insert(a: AttachmentRecord): Promise<void> {
    await this.db.run(
      `INSERT INTO attachments (id, account_id, sha256, name, content_type, size, uploaded_by, created_at, message_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [a.id, a.accountId, a.sha256, a.name, a.contentType, a.size, a.uploadedBy, a.createdAt, a.messageId],
    )
  }

  async get(id: string): Promise<AttachmentRecord | null> {
    const r = await this.db.row<AttachmentColumns>('SELECT * FROM attachments WHERE id = $1', [id])
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
