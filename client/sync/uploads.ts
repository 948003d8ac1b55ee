import type { ErrorBody } from '../../shared/schemas/api.ts'
import { type Attachment, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_MESSAGE } from '../../shared/schemas/entities.ts'
import { ApiError, NetworkError } from '../api/http.ts'
import type { InboxDatabase } from '../db/database.ts'
import type { UploadRecord } from '../db/records.ts'

/** Which chosen files fit a message that already carries `existing`: each at most 40 MB, at most 15
 *  in all. Refused files are returned by reason, for the composer to name them. */
export interface Admission<T> {
  accepted: T[]
  tooLarge: T[]
  overLimit: T[]
}

export function admit<T extends { size: number }>(existing: number, files: T[]): Admission<T> {
  const result: Admission<T> = { accepted: [], tooLarge: [], overLimit: [] }
  for (const file of files) {
    if (file.size > MAX_ATTACHMENT_BYTES) result.tooLarge.push(file)
    else if (existing + result.accepted.length >= MAX_ATTACHMENTS_PER_MESSAGE) result.overLimit.push(file)
    else result.accepted.push(file)
  }
  return result
}

/** The files of an outbox item (or of a composer's draft), in the order they were chosen. */
export const filesOf = (db: InboxDatabase, owner: string): Promise<UploadRecord[]> => db.uploads.where('outboxId').equals(owner).sortBy('id')

export type UploadOne = (file: UploadRecord) => Promise<Attachment>

/**
 * Uploads the files of an outbox item that are not uploaded yet, oldest first, and returns every
 * file's attachment id. Each id is written down as soon as the server answers, so a retry after a
 * failure half-way (or a reload) uploads only what is still missing. A failure propagates: the item
 * stays queued, or is refused, exactly as a failed post would leave it.
 */
export async function uploadPending(db: InboxDatabase, outboxId: string, upload: UploadOne = uploadFile): Promise<string[]> {
  const ids: string[] = []
  for (const file of await filesOf(db, outboxId)) {
    let attachmentId = file.attachmentId
    if (attachmentId === null) {
      attachmentId = (await upload(file)).id
      await db.uploads.update(file.id, { attachmentId })
    }
    ids.push(attachmentId)
  }
  return ids
}

/** `POST /api/attachments`: the raw bytes, the type as Content-Type, the name URI-encoded in X-File-Name. */
export async function uploadFile(file: Pick<UploadRecord, 'name' | 'contentType' | 'blob'>): Promise<Attachment> {
  let response: Response
  try {
    response = await fetch('/api/attachments', {
      method: 'POST',
      headers: { 'content-type': file.contentType || 'application/octet-stream', 'x-file-name': encodeURIComponent(file.name) },
      body: file.blob,
      credentials: 'same-origin',
    })
  } catch (error) {
    throw new NetworkError((error as Error).message)
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as ErrorBody | null
    // The item's failure names the file: the agent must know which one to take out.
    throw new ApiError(response.status, { ...body, error: `${file.name}: ${body?.error ?? `upload failed (${response.status})`}` })
  }
  return ((await response.json()) as { attachment: Attachment }).attachment
}
