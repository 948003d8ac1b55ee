import { decodeBytes } from '../../shared/base64.ts'
import type { Directory } from '../../shared/schemas/admin.ts'
import type { FeedEntry } from '../../shared/schemas/feed.ts'
import { type InboxDatabase, readMeta } from '../db/database.ts'
import { type ConversationRecord, type DocRecord, toConversationRecord } from '../db/records.ts'
import { mergeStates, projectState } from './doc-state.ts'
import { checkWrites, checkWritesTables } from './check-writes.ts'
import { markForSearch } from '../search/pending.ts'
import { settleContactEdits } from './contact-edits.ts'
import { applyReadMarks } from './reads.ts'
import { applyNotifications } from './notifications.ts'

/**
 * Writes a run of feed entries and the new cursor in one transaction, so the device never holds a
 * cursor past data it has not stored. A conversation's row is its facts from the server plus the
 * projection of the device's doc merged with the entry's state: local edits not yet acknowledged stay.
 * Outbox items whose message has arrived are done and leave the outbox in the same step, so a reply is
 * shown once, either queued or stored.
 */
export async function applyFeedEntries(
  db: InboxDatabase,
  entries: FeedEntry[],
  cursor: number | null,
  /** Where a history backfill stands after these entries (null: it is done); untouched if absent. */
  backfill?: { after: number; until: number } | null,
): Promise<void> {
  const tables = [db.conversations, db.messages, db.contacts, db.docs, db.outbox, db.uploads, db.canned, db.meta, db.searchPending, db.reads, db.notifications, db.contactEdits, ...checkWritesTables(db)]
  await db.transaction('rw', tables, async () => {
    const conversations = entries.filter((e) => e.kind === 'conversation')
    const stored = await db.docs.bulkGet(conversations.map((e) => e.conversation.id))
    // The agent's read marks decide each row's unread flag (client/lib/unread.ts).
    const marks = await db.reads.bulkGet(conversations.map((e) => e.conversation.id))
    const docs: DocRecord[] = []
    const rows: ConversationRecord[] = []
    conversations.forEach((entry, i) => {
      const existing = stored[i]
      const incoming = entry.state ? decodeBytes(entry.state) : null
      if (!existing) {
        // Nothing of this doc on the device yet: the server's row is the projection of exactly this
        // state (same shared function), so there is nothing to merge or re-project. Bootstrapping
        // thousands of conversations skips building a Y.Doc for each.
        if (incoming) docs.push({ id: entry.conversation.id, update: incoming, dirty: 0, version: 0 })
        rows.push(toConversationRecord(entry.conversation, marks[i]?.seenSeq ?? null))
        return
      }
      const merged = incoming ? mergeStates([existing.update, incoming]) : existing.update
      docs.push({ id: entry.conversation.id, update: merged, dirty: existing.dirty, version: existing.version })
      rows.push(toConversationRecord({ ...entry.conversation, ...projectState(merged) }, marks[i]?.seenSeq ?? null))
    })
    const messages = entries.filter((e) => e.kind === 'message').map((e) => e.message)
    // The outbox and the pending writes are small: read them whole rather than probing per entry.
    const [queued, written] = await Promise.all([db.outbox.toCollection().primaryKeys(), db.writes.toArray()])
    const queuedIds = new Set(queued)
    const done = messages.map((m) => m.id).filter((id) => queuedIds.has(id))
    // Canned responses: the last entry of each wins; a deleted one leaves the device.
    const canned = new Map(entries.filter((e) => e.kind === 'canned').map((e) => [e.canned.id, e.canned]))
    const cannedKept = [...canned.values()].filter((c) => !c.deleted)
    const directory = entries.findLast((e) => e.kind === 'directory')?.directory
    await Promise.all([
      directory ? applyDirectory(db, directory) : undefined,
      db.docs.bulkPut(docs),
      db.conversations.bulkPut(rows),
      db.messages.bulkPut(messages),
      db.contacts.bulkPut(entries.filter((e) => e.kind === 'contact').map((e) => e.contact)),
      db.canned.bulkPut(cannedKept.map(({ id, shortCode, content, updatedAt }) => ({ id, shortCode, content, updatedAt }))),
      db.canned.bulkDelete([...canned.values()].filter((c) => c.deleted).map((c) => c.id)),
      db.outbox.bulkDelete(done),
      // Their files leave the device with them: from now on the server serves them.
      db.uploads.where('outboxId').anyOf(done).delete(),
      cursor === null ? undefined : db.meta.put({ key: 'cursor', value: cursor }),
      backfill === undefined ? undefined : backfill === null ? db.meta.delete('backfill') : db.meta.put({ key: 'backfill', value: backfill }),
    ])
    // After the rows: a mark re-derives the unread flag of the row as this page left it.
    await applyReadMarks(db, entries.filter((e) => e.kind === 'read').map((e) => e.read))
    await applyNotifications(db, entries.filter((e) => e.kind === 'notification').map((e) => e.notification))
    await settleContactEdits(db, entries)
    const contactIds = entries.filter((e) => e.kind === 'contact').map((e) => e.contact.id)
    await markForSearch(db, [...rows.map((r) => r.id), ...messages.map((m) => m.conversationId)], contactIds)
    const withWrites = new Set(written.map((w) => w.conversationId))
    for (const doc of docs) if (withWrites.has(doc.id)) await checkWrites(db, doc.id, doc.update, Date.now())
  })
}

/**
 * The account's directory replaces the stored workspace (the newest entry supersedes the older ones);
 * `me` is this device's agent as the directory now describes them (a new name, a new role). A device
 * without a stored workspace has no one to be: it keeps nothing.
 */
async function applyDirectory(db: InboxDatabase, directory: Directory): Promise<void> {
  const stored = await readMeta(db, 'workspace')
  if (!stored) return
  const me = directory.agents.find((a) => a.id === stored.me.id) ?? stored.me
  await db.meta.put({ key: 'workspace', value: { me, ...directory } })
}

/**
 * Merges a doc state into the device's copy and re-projects the conversation row. `local` marks the
 * agent's own edit, to be pushed until the server acknowledges it.
 */
export async function mergeDoc(db: InboxDatabase, id: string, update: Uint8Array, local: boolean): Promise<void> {
  await db.transaction('rw', [db.docs, db.conversations, db.searchPending, ...checkWritesTables(db)], async () => {
    const existing = await db.docs.get(id)
    const merged = existing ? mergeStates([existing.update, update]) : update
    await db.docs.put({
      id,
      update: merged,
      dirty: local ? 1 : (existing?.dirty ?? 0),
      version: (existing?.version ?? 0) + (local ? 1 : 0),
    })
    const row = await db.conversations.get(id)
    if (row) {
      await db.conversations.put(toConversationRecord({ ...row, ...projectState(merged) }))
      // Labels, status and assignee are searched or filtered on.
      await markForSearch(db, [id])
    }
    await checkWrites(db, id, merged, Date.now())
  })
}

/** Clears `dirty` after the server stored a push, unless the agent edited the doc again meanwhile. */
export async function acknowledgeDoc(db: InboxDatabase, id: string, pushedVersion: number): Promise<void> {
  await db.transaction('rw', db.docs, async () => {
    const existing = await db.docs.get(id)
    if (existing && existing.version === pushedVersion) await db.docs.update(id, { dirty: 0 })
  })
}
