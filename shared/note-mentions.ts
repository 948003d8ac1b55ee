import type * as Y from 'yjs'

// Mentions in the shared note (issue 12). A chosen mention is the text `@Name` carrying a Y.Text
// formatting attribute `mention` ("agent:<id>" or "team:<id>") on exactly those characters. The
// attribute lives on the characters themselves, so the mention moves with them through any
// concurrent or offline edit and leaves with them when someone deletes them; a side map of mentions
// keyed by id would outlive its deleted text, or need positions that other agents' edits shift.

export const MENTION_ATTRIBUTE = 'mention'

export type MentionRef = { kind: 'agent' | 'team'; id: string }

export const encodeMention = (ref: MentionRef): string => `${ref.kind}:${ref.id}`

export function decodeMention(value: unknown): MentionRef | null {
  if (typeof value !== 'string') return null
  const match = /^(agent|team):(.+)$/.exec(value)
  return match ? { kind: match[1] as MentionRef['kind'], id: match[2]! } : null
}

/** Typed text never carries a mention: without this, Yjs would let text typed right after `@Name`
 *  inherit its formatting and become part of the mention. */
const PLAIN = { [MENTION_ATTRIBUTE]: null }

/** Inserts typed (or pasted) text; inside the caller's transaction. */
export function insertPlain(text: Y.Text, index: number, value: string): void {
  text.insert(index, value, PLAIN)
}

/**
 * Replaces `[start, end)` (the `@query` being typed) with `@label` marked as the mention, followed by
 * a plain space; returns the index after the space (where the caret goes). Inside the caller's
 * transaction.
 */
export function insertMention(text: Y.Text, start: number, end: number, label: string, ref: MentionRef): number {
  if (end > start) text.delete(start, end - start)
  const shown = `@${label}`
  text.insert(start, shown, { [MENTION_ATTRIBUTE]: encodeMention(ref) })
  text.insert(start + shown.length, ' ', PLAIN)
  return start + shown.length + 1
}

/** The mentions still present in the note (any character of a mention left keeps it), first first. */
export function noteMentionRefs(text: Y.Text): MentionRef[] {
  const seen = new Map<string, MentionRef>()
  for (const op of text.toDelta() as { insert?: unknown; attributes?: Record<string, unknown> }[]) {
    const ref = decodeMention(op.attributes?.[MENTION_ATTRIBUTE])
    if (ref && typeof op.insert === 'string' && op.insert.trim()) seen.set(encodeMention(ref), ref)
  }
  return [...seen.values()]
}

export interface MentionDirectory {
  agents: readonly { id: string; active?: boolean }[]
  teams: readonly { id: string; memberIds: readonly string[] }[]
}

/** The agents a note's mentions reach: a team stands for its members; deactivated agents and
 *  deleted teams reach nobody. Each agent once, in mention order. */
export function mentionedAgentIds(refs: readonly MentionRef[], directory: MentionDirectory): string[] {
  const active = new Set(directory.agents.filter((a) => a.active !== false).map((a) => a.id))
  const teams = new Map(directory.teams.map((t) => [t.id, t.memberIds]))
  const ids = new Set<string>()
  for (const ref of refs) {
    const members = ref.kind === 'agent' ? [ref.id] : (teams.get(ref.id) ?? [])
    for (const id of members) if (active.has(id)) ids.add(id)
  }
  return [...ids]
}

export interface MentionQuery {
  /** Index of the `@`. */
  start: number
  /** The caret. */
  end: number
  /** What follows the `@`, lowercased. */
  query: string
}

const MAX_QUERY = 40

/** The `@query` at the caret: an `@` at the start or after whitespace or an opening bracket, then no
 *  line break. Names have spaces, so a space does not end it; a query nobody matches closes the list. */
export function mentionQueryAt(value: string, caret: number): MentionQuery | null {
  const from = Math.max(0, caret - MAX_QUERY - 1)
  const at = value.lastIndexOf('@', caret - 1)
  if (at < from || at < 0) return null
  if (at > 0 && !/[\s([{]/.test(value[at - 1]!)) return null
  const query = value.slice(at + 1, caret)
  if (/[\n@]/.test(query)) return null
  return { start: at, end: caret, query: query.toLowerCase() }
}

/** Options whose name (or one of its words) starts with the query, then those containing it. */
export function matchMentionOptions<T extends { name: string }>(options: readonly T[], query: string): T[] {
  const q = query.trim()
  if (!q) return [...options]
  const starts: T[] = []
  const contains: T[] = []
  for (const option of options) {
    const name = option.name.toLowerCase()
    if (name.startsWith(q) || name.split(/\s+/).some((w) => w.startsWith(q))) starts.push(option)
    else if (name.includes(q)) contains.push(option)
  }
  return [...starts, ...contains]
}
