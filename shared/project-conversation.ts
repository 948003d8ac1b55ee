import type * as Y from 'yjs'
import { z } from 'zod'
import { Id, Timestamp } from './schemas/entities.ts'
import { Priority, Status, readField, readLabels } from './conversation-doc.ts'

/** The SQL/Dexie columns derived from a conversation doc. Server and client both use projectConversation,
 *  so a row on any device and the server's row agree whenever their docs do. */
export const ConversationState = z.object({
  status: Status,
  snoozedUntil: Timestamp.nullable(),
  statusSeenSeq: z.number().int().nonnegative(),
  statusBy: z.string().nullable(),
  statusAt: Timestamp.nullable(),
  assigneeId: Id.nullable(),
  teamId: Id.nullable(),
  priority: Priority,
  labels: z.array(z.string()),
})
export type ConversationState = z.infer<typeof ConversationState>

export const emptyConversationState: ConversationState = {
  status: 'open',
  snoozedUntil: null,
  statusSeenSeq: 0,
  statusBy: null,
  statusAt: null,
  assigneeId: null,
  teamId: null,
  priority: 'none',
  labels: [],
}

export function projectConversation(doc: Y.Doc): ConversationState {
  const status = readField(doc, 'status')
  return {
    status: status?.value ?? 'open',
    snoozedUntil: status?.value === 'snoozed' ? status.snoozedUntil : null,
    statusSeenSeq: status?.seenSeq ?? 0,
    statusBy: status?.by ?? null,
    statusAt: status?.at ?? null,
    assigneeId: readField(doc, 'assignee')?.value ?? null,
    teamId: readField(doc, 'team')?.value ?? null,
    priority: readField(doc, 'priority')?.value ?? 'none',
    labels: readLabels(doc),
  }
}

export const sameState = (a: ConversationState, b: ConversationState): boolean =>
  a.status === b.status &&
  a.snoozedUntil === b.snoozedUntil &&
  a.statusSeenSeq === b.statusSeenSeq &&
  a.statusBy === b.statusBy &&
  a.statusAt === b.statusAt &&
  a.assigneeId === b.assigneeId &&
  a.teamId === b.teamId &&
  a.priority === b.priority &&
  a.labels.join('\u0000') === b.labels.join('\u0000')

