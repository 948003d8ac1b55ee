import { storeToRefs } from 'pinia'
import type * as Y from 'yjs'
import { addLabel, removeLabel, writeField, type FieldName, type Priority, type Status } from '../../shared/conversation-doc.ts'
import type { InboxDatabase } from '../db/database.ts'
import type { ConversationRecord, OutboxItem } from '../db/records.ts'
import { useSessionStore } from '../stores/session.ts'
import { dropOutboxItem, enqueueWithFiles, returnToDraft } from '../sync/uploads-queue.ts'
import { uuid } from '../lib/uuid.ts'

export interface StateActionDeps {
  db: InboxDatabase
  /** Edits a conversation's doc as the agent (DocSync.edit: the doc is stored dirty until pushed). */
  edit: (id: string, change: (doc: Y.Doc) => void) => Promise<void>
  meId: string
}

/** The state changes, each one edit of the conversation's doc: they merge with everyone's, offline
 *  included, and a bulk action is these same edits applied to each conversation. */
export function stateActions(deps: StateActionDeps) {
  const { edit } = deps
  const ctx = () => ({ by: deps.meId, at: Date.now(), writeId: uuid() })

  /** Writes a field and remembers the write, to tell the agent if a concurrent one wins instead. */
  async function write<F extends FieldName>(id: string, field: F, input: Parameters<typeof writeField<F>>[2]) {
    let written: { writeId: string; over: string | null } | null = null
    await edit(id, (doc) => {
      written = writeField(doc, field, input, ctx())
    })
    const w = written as { writeId: string; over: string | null } | null
    if (w) await deps.db.writes.put({ conversationId: id, field, writeId: w.writeId, over: w.over })
  }

  /** A status records the newest message the agent had seen (DESIGN §4 rule 3). */
  const setStatus = (row: ConversationRecord, value: Status, snoozedUntil: number | null = null) =>
    write(row.id, 'status', { value, snoozedUntil: value === 'snoozed' ? snoozedUntil : null, seenSeq: row.lastMessageSeq })

  return {
    resolve: (row: ConversationRecord) => setStatus(row, 'resolved'),
    reopen: (row: ConversationRecord) => setStatus(row, 'open'),
    markPending: (row: ConversationRecord) => setStatus(row, 'pending'),
    snooze: (row: ConversationRecord, until: number) => setStatus(row, 'snoozed', until),
    assign: (id: string, agentId: string | null) => write(id, 'assignee', { value: agentId }),
    setTeam: (id: string, teamId: string | null) => write(id, 'team', { value: teamId }),
    setPriority: (id: string, value: Priority) => write(id, 'priority', { value }),
    addLabel: (id: string, label: string) => edit(id, (doc) => void addLabel(doc, label, ctx())),
    removeLabel: (id: string, label: string) => edit(id, (doc) => removeLabel(doc, label)),
  }
}

/**
 * What an agent can do to a conversation. State changes are edits of the conversation's doc;
 * replies and notes go through the outbox.
 */
export function useConversationActions() {
  const session = useSessionStore()
  const { db, engine, me } = storeToRefs(session)
  // Getters: the session is read when an action runs, not when the component is set up.
  const state = stateActions({
    get db() {
      return db.value!
    },
    get meId() {
      return me.value!.id
    },
    edit: (id, change) => engine.value!.docs.edit(id, change),
  })

  async function queue(row: ConversationRecord, kind: 'reply' | 'note', body: string, basedOnSeq: number, id = uuid(), mentions: string[] = []) {
    // The files chosen in this conversation's composer for this kind of message go with it.
    const item = { id, conversationId: row.id, kind, body, basedOnSeq, authorAgentId: me.value!.id, ...(mentions.length ? { mentions } : {}) }
    await enqueueWithFiles(db.value!, item, Date.now())
  }

  return {
    ...state,
    /** A reply carries the seq its author had seen when last editing it (the send guard's basedOnSeq). */
    reply: (row: ConversationRecord, body: string, basedOnSeq: number) => queue(row, 'reply', body, basedOnSeq),
    /** The shared note becomes a note under its draft's id: pressed twice, or by two agents, one note. */
    note: (row: ConversationRecord, note: { id: string; body: string; mentions?: string[] }) =>
      queue(row, 'note', note.body, row.lastMessageSeq, note.id, note.mentions),
    retry: (id: string) => engine.value!.outbox.retry(id),
    discard: (id: string) => dropOutboxItem(db.value!, id),
    sendAnyway: (id: string) => engine.value!.outbox.sendAnyway(id),
    /** "Edit" on a held reply: it leaves the outbox; its text went back into the draft, its files too. */
    unqueue: (item: OutboxItem) => returnToDraft(db.value!, item),
    dismissNotice: (id: number) => db.value!.notices.delete(id),
  }
}
