import type { InboxDatabase } from './database.ts'
import type { DraftRecord } from './records.ts'

// Reply drafts are the device's own: private to their author, never synced, kept across reloads.

export const loadDraft = (db: InboxDatabase, conversationId: string): Promise<DraftRecord | undefined> =>
  db.drafts.get(conversationId)

export async function saveDraft(db: InboxDatabase, conversationId: string, body: string, seenSeq: number): Promise<void> {
  if (body.trim() === '') await db.drafts.delete(conversationId)
  else await db.drafts.put({ conversationId, body, seenSeq, updatedAt: Date.now() })
}

export const clearDraft = (db: InboxDatabase, conversationId: string): Promise<void> => db.drafts.delete(conversationId)
