import type { ErrorBody } from '../../shared/schemas/api.ts'
import type { InboxDatabase } from '../db/database.ts'
import { toConversationRecord } from '../db/records.ts'
import { projectState } from './doc-state.ts'

// The server caps each conversation doc (server/sync/doc-limits.ts) and refuses an edit that would take
// it over: a room closes with 4413, the bulk endpoint answers 413 naming the doc. Retrying the same
// edit can only be refused again, so the device drops it, says so in the conversation, and carries on.

/** Close code of a room that refused an update for the doc's size. */
export const CLOSE_DOC_TOO_LARGE = 4413

export const DOC_TOO_LARGE_NOTICE =
  "This conversation's shared state is too large; your last change was not saved. Reopen the conversation to go on editing."

/** Which items of a bulk push a 413 refused (`fields[].path` = `docs.<i>.update`), by index. */
export function refusedDocIndexes(body: ErrorBody | null): number[] {
  const found = new Set<number>()
  for (const field of body?.fields ?? []) {
    const index = /^docs\.(\d+)\.update$/.exec(field.path)?.[1]
    if (index !== undefined) found.add(Number(index))
  }
  return [...found].sort((a, b) => a - b)
}

/**
 * Puts the server's state (when it could be fetched) in place of the device's copy, so the refused
 * edit is not pushed again at every reconnect, re-projects the row, and leaves a notice in the
 * conversation. Without the server's state the copy stays, no longer dirty: a later edit would meet
 * the same refusal and the same notice, never a silent loop.
 */
export async function dropRefusedEdit(db: InboxDatabase, conversationId: string, serverState: Uint8Array | null, now: number): Promise<void> {
  await db.transaction('rw', [db.docs, db.conversations, db.notices], async () => {
    const existing = await db.docs.get(conversationId)
    const update = serverState ?? existing?.update
    if (update) {
      await db.docs.put({ id: conversationId, update, dirty: 0, version: (existing?.version ?? 0) + 1 })
      const row = await db.conversations.get(conversationId)
      if (row) await db.conversations.put(toConversationRecord({ ...row, ...projectState(update) }))
    }
    await db.notices.add({ conversationId, text: DOC_TOO_LARGE_NOTICE, at: now })
  })
}
