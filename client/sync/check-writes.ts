import * as Y from 'yjs'
import { readField, writeAncestry } from '../../shared/conversation-doc.ts'
import { type InboxDatabase, readMeta } from '../db/database.ts'
import { lostWriteNotice, writeOutcome } from './lost-writes.ts'

/** The tables a merge must include in its transaction for checkWrites. */
export const checkWritesTables = (db: InboxDatabase) => [db.writes, db.notices, db.meta]

/**
 * After a merge, looks at the agent's own pending writes of this conversation: a lost one becomes a
 * notice naming the winner; a lost or superseded one is forgotten. Runs inside the merge's transaction.
 */
export async function checkWrites(db: InboxDatabase, conversationId: string, merged: Uint8Array, now: number): Promise<void> {
  const writes = await db.writes.where('conversationId').equals(conversationId).toArray()
  if (writes.length === 0) return
  const doc = new Y.Doc()
  Y.applyUpdate(doc, merged)
  const workspace = await readMeta(db, 'workspace')
  const agents = new Map(workspace?.agents.map((a) => [a.id, a.name]) ?? [])
  const teams = new Map(workspace?.teams.map((t) => [t.id, t.name]) ?? [])
  const names = { agent: (id: string) => agents.get(id) ?? 'Someone', team: (id: string) => teams.get(id) ?? 'another team' }
  const ancestry = writeAncestry(doc)
  for (const write of writes) {
    const current = readField(doc, write.field)
    const outcome = writeOutcome(write, current, ancestry)
    if (outcome === 'lost' && current) {
      await db.notices.add({ conversationId, text: lostWriteNotice(write.field, current, names), at: now })
    }
    if (outcome === 'lost' || outcome === 'superseded') await db.writes.delete([conversationId, write.field])
  }
  doc.destroy()
}
