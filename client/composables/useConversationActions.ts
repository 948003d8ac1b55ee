import { storeToRefs } from 'pinia'
import type * as Y from 'yjs'
import { addLabel, removeLabel, writeField, type Status } from '../../shared/conversation-doc.ts'
import type { ConversationRecord } from '../db/records.ts'
import { useSessionStore } from '../stores/session.ts'
import { enqueue } from '../sync/outbox.ts'
import { uuid } from '../lib/uuid.ts'

/**
 * What an agent can do to a conversation. State changes are edits of the conversation's doc (they
 * merge with everyone's, offline included); replies and notes go through the outbox.
 */
export function useConversationActions() {
  const session = useSessionStore()
  const { db, engine, me } = storeToRefs(session)

  const ctx = () => ({ by: me.value!.id, at: Date.now(), writeId: uuid() })
  const edit = (id: string, change: (doc: Y.Doc) => void) => engine.value!.docs.edit(id, change)

  /** A status records the newest message the agent had seen (DESIGN §4 rule 3). */
  function setStatus(row: ConversationRecord, value: Status, snoozedUntil: number | null = null) {
    return edit(row.id, (doc) =>
      writeField(doc, 'status', { value, snoozedUntil: value === 'snoozed' ? snoozedUntil : null, seenSeq: row.lastMessageSeq }, ctx()),
    )
  }

  return {
    resolve: (row: ConversationRecord) => setStatus(row, 'resolved'),
    reopen: (row: ConversationRecord) => setStatus(row, 'open'),
    markPending: (row: ConversationRecord) => setStatus(row, 'pending'),
    snooze: (row: ConversationRecord, until: number) => setStatus(row, 'snoozed', until),
    assign: (id: string, agentId: string | null) => edit(id, (doc) => writeField(doc, 'assignee', { value: agentId }, ctx())),
    setTeam: (id: string, teamId: string | null) => edit(id, (doc) => writeField(doc, 'team', { value: teamId }, ctx())),
    addLabel: (id: string, label: string) => edit(id, (doc) => void addLabel(doc, label, ctx())),
    removeLabel: (id: string, label: string) => edit(id, (doc) => removeLabel(doc, label)),
    async send(row: ConversationRecord, kind: 'reply' | 'note', body: string) {
      await enqueue(
        db.value!,
        { id: uuid(), conversationId: row.id, kind, body, basedOnSeq: row.lastMessageSeq, authorAgentId: me.value!.id },
        Date.now(),
      )
    },
    retry: (id: string) => engine.value!.outbox.retry(id),
    discard: (id: string) => db.value!.outbox.delete(id),
  }
}
