import type * as Y from 'yjs'
import { ensureNoteDraftId, noteDraftId } from '../../shared/conversation-doc.ts'
import type { InboxDatabase } from '../db/database.ts'
import type { OutboxItem, UploadRecord } from '../db/records.ts'
import { enqueue, type NewOutboxItem } from './outbox.ts'
import { admit, type Admission } from './uploads.ts'

/**
 * Files wait on the device as Blobs (the `uploads` table) from the moment they are chosen: first
 * under the composer's draft key, then under the outbox item that carries them, until that message is
 * in the feed. So a reload, a closed tab or a lost connection loses no file, as it loses no text.
 * Files are local to the agent (and the device): a shared note's files are those of whoever adds it.
 */

/** Where the composer of a conversation keeps the files chosen for its next reply, or next note. */
export const draftKey = (kind: 'reply' | 'note', conversationId: string): string => `draft:${kind}:${conversationId}`

export interface ChosenFile {
  name: string
  type: string
  size: number
  blob: Blob
}

/** Ids sort in the order files were chosen (filesOf sorts by id): a stamp, then the place in the batch. */
const fileId = (stamp: number, index: number): string =>
  `${String(stamp).padStart(15, '0')}-${String(index).padStart(2, '0')}-${[...crypto.getRandomValues(new Uint8Array(4))].map((b) => b.toString(16).padStart(2, '0')).join('')}`

/** A stamp after every file already kept under `key`: two choices in the same millisecond (or after
 *  the clock went back) still keep their order. */
async function nextStamp(db: InboxDatabase, key: string, now: number): Promise<number> {
  const ids = await db.uploads.where('outboxId').equals(key).primaryKeys()
  const last = ids.reduce((max, id) => Math.max(max, Number(id.split('-')[0]) || 0), 0)
  return Math.max(now, last + 1)
}

/** Keeps the files that fit the limits with the draft, in one transaction with the count they are
 *  measured against; returns what was refused, by reason. */
export async function addDraftFiles(db: InboxDatabase, key: string, files: ChosenFile[], now: number): Promise<Admission<ChosenFile>> {
  return db.transaction('rw', db.uploads, async () => {
    const admission = admit(await db.uploads.where('outboxId').equals(key).count(), files)
    const stamp = await nextStamp(db, key, now)
    await db.uploads.bulkAdd(
      admission.accepted.map(
        (f, i): UploadRecord => ({
          id: fileId(stamp, i),
          outboxId: key,
          name: f.name || 'file',
          contentType: f.type || 'application/octet-stream',
          size: f.size,
          blob: f.blob,
          attachmentId: null,
        }),
      ),
    )
    return admission
  })
}

export const removeFile = (db: InboxDatabase, id: string): Promise<void> => db.uploads.delete(id)

const moveFiles = (db: InboxDatabase, from: string, to: string) => db.uploads.where('outboxId').equals(from).modify({ outboxId: to })

/** Queues a reply or note together with the files chosen for it in its composer: both or neither. */
export async function enqueueWithFiles(db: InboxDatabase, item: NewOutboxItem, now: number): Promise<void> {
  await db.transaction('rw', db.outbox, db.uploads, async () => {
    await enqueue(db, item, now)
    await moveFiles(db, draftKey(item.kind, item.conversationId), item.id)
  })
}

/** "Discard" of a refused item: its files go with it. */
export async function dropOutboxItem(db: InboxDatabase, id: string): Promise<void> {
  await db.transaction('rw', db.outbox, db.uploads, async () => {
    await db.outbox.delete(id)
    await db.uploads.where('outboxId').equals(id).delete()
  })
}

/** "Edit" on a held reply: its text went back into the draft, and its files go back to the composer
 *  (with their attachment ids: what was uploaded is not uploaded again). */
export async function returnToDraft(db: InboxDatabase, item: Pick<OutboxItem, 'id' | 'kind' | 'conversationId'>): Promise<void> {
  await db.transaction('rw', db.outbox, db.uploads, async () => {
    await db.outbox.delete(item.id)
    await moveFiles(db, item.id, draftKey(item.kind, item.conversationId))
  })
}

/** "Add note" with files and no text: the note still posts under the shared draft's id, so that a
 *  second press (or a colleague's) is the same note. */
export function fileOnlyNote(doc: Y.Doc, newId: string): { id: string; body: string } {
  if (noteDraftId(doc) === null) doc.transact(() => ensureNoteDraftId(doc, newId))
  return { id: noteDraftId(doc)!, body: '' }
}
