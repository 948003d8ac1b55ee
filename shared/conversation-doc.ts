import * as Y from 'yjs'
import { z } from 'zod'
import { Id, Timestamp } from './schemas/entities.ts'

// One small Y.Doc per conversation (DESIGN §3), named `conv:<id>`. Each collaborative field is one
// entry of the `state` map holding one whole object, so that a field and the facts that belong to it
// (a status with the seq its author had seen) can never be half-merged. Different fields are
// different keys and merge independently (DESIGN §4 rule 1).

export const Status = z.enum(['open', 'pending', 'snoozed', 'resolved'])
export type Status = z.infer<typeof Status>

export const Priority = z.enum(['none', 'low', 'medium', 'high', 'urgent'])
export type Priority = z.infer<typeof Priority>

/** `by` is an agent id or SYSTEM_AUTHOR; `writeId` identifies this write and `over` the write it replaced,
 *  so that a client can tell a concurrent overwrite (same `over`) from a later, informed one. */
const WriteMeta = {
  by: z.string().min(1),
  at: Timestamp,
  writeId: z.string().min(1),
  over: z.string().nullable(),
}

export const SYSTEM_AUTHOR = 'system'

export const StatusField = z.object({
  value: Status,
  snoozedUntil: Timestamp.nullable(),
  /** The newest message seq the author had seen when choosing this status (DESIGN §4 rule 3). */
  seenSeq: z.number().int().nonnegative(),
  ...WriteMeta,
})
export type StatusField = z.infer<typeof StatusField>

export const AssigneeField = z.object({ value: Id.nullable(), ...WriteMeta })
export type AssigneeField = z.infer<typeof AssigneeField>

export const TeamField = z.object({ value: Id.nullable(), ...WriteMeta })
export type TeamField = z.infer<typeof TeamField>

export const PriorityField = z.object({ value: Priority, ...WriteMeta })
export type PriorityField = z.infer<typeof PriorityField>

export const LabelName = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(40)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} _-]*$/u, 'letters, digits, spaces, - and _')

export const fieldSchemas = {
  status: StatusField,
  assignee: AssigneeField,
  team: TeamField,
  priority: PriorityField,
} as const
export type FieldName = keyof typeof fieldSchemas
export type FieldValue<F extends FieldName> = z.infer<(typeof fieldSchemas)[F]>

export const docName = (conversationId: string): string => `conv:${conversationId}`
export const conversationIdOfDoc = (name: string): string | null =>
  name.startsWith('conv:') ? name.slice(5) : null

export const stateMap = (doc: Y.Doc): Y.Map<unknown> => doc.getMap('state')
export const labelsMap = (doc: Y.Doc): Y.Map<unknown> => doc.getMap('labels')
export const noteText = (doc: Y.Doc): Y.Text => doc.getText('note')

/** Reads a field, treating anything that does not match its schema as absent: a buggy or hostile
 *  client can write garbage into a CRDT, and readers must not trust it. */
export function readField<F extends FieldName>(doc: Y.Doc, field: F): FieldValue<F> | null {
  const parsed = fieldSchemas[field].safeParse(stateMap(doc).get(field))
  return parsed.success ? (parsed.data as FieldValue<F>) : null
}

export interface WriteContext {
  by: string
  at: number
  writeId: string
}

type FieldInput<F extends FieldName> = Omit<FieldValue<F>, 'by' | 'at' | 'writeId' | 'over'>

export function writeField<F extends FieldName>(
  doc: Y.Doc,
  field: F,
  input: FieldInput<F>,
  ctx: WriteContext,
  origin: unknown = null,
): FieldValue<F> {
  const over = readField(doc, field)?.writeId ?? null
  const value = fieldSchemas[field].parse({ ...input, by: ctx.by, at: ctx.at, writeId: ctx.writeId, over })
  doc.transact(() => {
    stateMap(doc).set(field, value)
    const log = writeLog(doc)
    log.push([{ writeId: ctx.writeId, over }])
    if (log.length > WRITE_LOG_MAX) log.delete(0, log.length - WRITE_LOG_MAX)
  }, origin)
  return value as FieldValue<F>
}

// A short log of recent field writes, each with the write it replaced. The state map keeps only the
// winning value of a field, so without it a device could not tell whether the value that won had been
// written knowing its own write (an informed change) or not (a concurrent one, to be told about).
const WRITE_LOG_MAX = 100
const WriteLogEntry = z.object({ writeId: z.string().min(1), over: z.string().nullable() })
export const writeLog = (doc: Y.Doc): Y.Array<unknown> => doc.getArray('writes')

/** writeId -> the writeId it replaced, for the writes still in the log. */
export function writeAncestry(doc: Y.Doc): Map<string, string | null> {
  const ancestry = new Map<string, string | null>()
  for (const entry of writeLog(doc).toArray()) {
    const parsed = WriteLogEntry.safeParse(entry)
    if (parsed.success) ancestry.set(parsed.data.writeId, parsed.data.over)
  }
  return ancestry
}

export interface LabelEntry {
  by: string
  at: number
}

// Labels are an add-wins set (DESIGN §4 rule 2). Every add writes its own map key, `name\0tag`, with a
// tag unique to that add (the writer's client id and clock), and a remove deletes only the keys of that
// name its author has seen. Concurrent adds never compete for one key, so an add that a remover had
// not seen survives the remove.
const TAG_SEPARATOR = '\u0000'

const labelOfKey = (key: string): string | null => {
  const name = key.split(TAG_SEPARATOR, 1)[0]!
  // Only normalised names count: addLabel writes no other, and removeLabel could never remove one.
  return LabelName.safeParse(name).data === name ? name : null
}

export function addLabel(doc: Y.Doc, label: string, ctx: Omit<WriteContext, 'writeId'>, origin: unknown = null): string {
  const name = LabelName.parse(label)
  const entry: LabelEntry = { by: ctx.by, at: ctx.at }
  doc.transact(() => {
    const tag = `${doc.clientID}.${Y.getState(doc.store, doc.clientID)}`
    labelsMap(doc).set(`${name}${TAG_SEPARATOR}${tag}`, entry)
  }, origin)
  return name
}

export function removeLabel(doc: Y.Doc, label: string, origin: unknown = null): void {
  const name = LabelName.safeParse(label)
  if (!name.success) return
  const map = labelsMap(doc)
  doc.transact(() => {
    for (const key of [...map.keys()]) if (labelOfKey(key) === name.data) map.delete(key)
  }, origin)
}

export function readLabels(doc: Y.Doc): string[] {
  const names = new Set<string>()
  for (const key of labelsMap(doc).keys()) {
    const name = labelOfKey(key)
    if (name !== null) names.add(name)
  }
  return [...names].sort()
}

// The shared in-progress note (a Y.Text every agent in the conversation co-edits) carries an id for
// the note it will become, chosen when the draft starts. "Add note" posts the note under that id, so
// two agents pressing it at once still make one note (the server is idempotent on message ids).
export const noteMeta = (doc: Y.Doc): Y.Map<unknown> => doc.getMap('noteMeta')

export function noteDraftId(doc: Y.Doc): string | null {
  const id = noteMeta(doc).get('draftId')
  return typeof id === 'string' && Id.safeParse(id).success ? id : null
}

/** Called in the transaction of an edit to the note: gives a draft that has none its id. */
export function ensureNoteDraftId(doc: Y.Doc, newId: string): void {
  if (noteDraftId(doc) === null) noteMeta(doc).set('draftId', newId)
}

/** What "Add note" posts: the shared draft's text under its id (given one first if it has none). */
export function noteDraft(doc: Y.Doc, fallbackId: string): { id: string; body: string } | null {
  const body = noteText(doc).toString().trim()
  if (body === '') return null
  if (noteDraftId(doc) === null) doc.transact(() => ensureNoteDraftId(doc, fallbackId))
  return { id: noteDraftId(doc)!, body }
}

/** Once the note is safely queued: clears the draft for everyone, unless another agent's "Add note"
 *  already started a new one. */
export function clearNoteDraft(doc: Y.Doc, id: string, origin: unknown = null): void {
  if (noteDraftId(doc) !== id) return
  const text = noteText(doc)
  doc.transact(() => {
    text.delete(0, text.length)
    noteMeta(doc).delete('draftId')
  }, origin)
}
