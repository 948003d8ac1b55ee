import type { Attachment } from '../../shared/schemas/entities.ts'

export interface AttachmentRecord extends Attachment {
  accountId: string
  uploadedBy: string | null
  createdAt: number
  /** The message it belongs to, once sent (null while only uploaded). */
  messageId: string | null
}

export interface AttachmentStore {
  insert(record: AttachmentRecord): Promise<void>
  get(id: string): Promise<AttachmentRecord | null>
}
