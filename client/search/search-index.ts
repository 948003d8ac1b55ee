import MiniSearch, { type Options } from 'minisearch'
import { rankedQuery } from './ranked-query.ts'

// The device's conversation search: one MiniSearch document per conversation. Pure (no Dexie, no
// clock), so the unit tests and the bench run it in Node exactly as the app does.

/** Bumped whenever the documents or options change: a persisted index of another format is rebuilt. */
export const INDEX_FORMAT = 1
/** Message text kept per conversation: the newest characters, so a long thread cannot grow the index
 *  without bound (the recent part is what agents search for). */
export const TEXT_CAP = 20_000
/** The shortest word being typed that is matched as a prefix (shorter: the whole word only). */
export const MIN_PREFIX = 2

export interface SearchSource {
  conversation: {
    id: string
    number: number
    status: string
    /** '' for nobody (as on the device's record). */
    assignee: string
    inboxId: string
    labels: string[]
    lastActivityAt: number
  }
  contact: { name: string; email: string | null; unverifiedEmail?: string | null } | null
  /** Replies, customer messages and notes, oldest first (activity lines are not searched). */
  messages: { kind: string; body: string }[]
}

export interface SearchFilters {
  status?: string | null
  /** An agent id, '' for unassigned; null or absent: anyone. */
  assignee?: string | null
  inboxId?: string | null
  label?: string | null
}

export interface SearchHit {
  id: string
  score: number
  /** The indexed words that matched (prefix expansions included), for highlighting. */
  terms: string[]
  /** Which fields matched, e.g. 'text' means a message: the snippet comes from there. */
  fields: string[]
}

interface IndexedDocument {
  id: string
  number: string
  name: string
  email: string
  labels: string
  text: string
  status: string
  assignee: string
  inboxId: string
  labelList: string[]
  lastActivityAt: number
}

const SEPARATOR = /[^\p{L}\p{N}]+/u
/** Letters and digits make words; everything else separates them ("ann@example.com" is three words,
 *  "#42" is "42"). The query goes through the same function, so both sides agree. */
export const tokenize = (text: string): string[] => text.split(SEPARATOR).filter((t) => t.length > 0)
const processTerm = (term: string): string | null => (term ? term.toLowerCase() : null)

export const INDEX_OPTIONS: Options<IndexedDocument> = {
  fields: ['number', 'name', 'email', 'labels', 'text'],
  storeFields: ['status', 'assignee', 'inboxId', 'labelList', 'lastActivityAt'],
  tokenize,
  processTerm,
  searchOptions: {
    // A number, a name or an address is what an agent types when they know whom they want.
    boost: { number: 5, name: 3, email: 3, labels: 2, text: 1 },
    combineWith: 'AND',
    // Results as you type: the word being typed is a prefix; the words before it are whole. A single
    // character is matched whole: as a prefix it expands to a good part of the vocabulary, and a
    // keystroke then costs hundreds of milliseconds on 10,000 conversations (bench -- search).
    prefix: (term, i, terms) => i === terms.length - 1 && term.length >= MIN_PREFIX,
    fuzzy: false,
  },
}

export type ConversationIndex = MiniSearch<IndexedDocument>

export const createIndex = (): ConversationIndex => new MiniSearch(INDEX_OPTIONS)
export const loadIndex = (json: string): ConversationIndex => MiniSearch.loadJSON(json, INDEX_OPTIONS)
export const serializeIndex = (index: ConversationIndex): string => JSON.stringify(index)

/** The searchable text of a conversation's messages: the newest TEXT_CAP characters, cut at a word
 *  boundary so a half word never becomes a token. */
export function messageText(messages: SearchSource['messages']): string {
  const all = messages.filter((m) => m.kind !== 'activity').map((m) => m.body).join('\n')
  if (all.length <= TEXT_CAP) return all
  const tail = all.slice(-TEXT_CAP)
  const boundary = tail.search(SEPARATOR)
  return boundary < 0 ? '' : tail.slice(boundary)
}

export function toDocument(source: SearchSource): IndexedDocument {
  const c = source.conversation
  return {
    id: c.id,
    number: String(c.number),
    name: source.contact?.name ?? '',
    email: [source.contact?.email, source.contact?.unverifiedEmail].filter(Boolean).join(' '),
    labels: c.labels.join(' '),
    text: messageText(source.messages),
    status: c.status,
    assignee: c.assignee,
    inboxId: c.inboxId,
    labelList: c.labels,
    lastActivityAt: c.lastActivityAt,
  }
}

export function upsert(index: ConversationIndex, source: SearchSource): void {
  const doc = toDocument(source)
  if (index.has(doc.id)) index.replace(doc)
  else index.add(doc)
}

export function remove(index: ConversationIndex, id: string): void {
  if (index.has(id)) index.discard(id)
}

const passes = (r: Record<string, unknown>, f: SearchFilters): boolean =>
  (f.status == null || r.status === f.status) &&
  (f.assignee == null || r.assignee === f.assignee) &&
  (f.inboxId == null || r.inboxId === f.inboxId) &&
  (f.label == null || (r.labelList as string[]).includes(f.label))

const BOOSTS = INDEX_OPTIONS.searchOptions!.boost as Record<string, number>

/** Conversations containing every word of the query (the last one as a prefix from MIN_PREFIX
 *  characters), best first (BM25 with the field boosts; equal scores: newest activity first). */
export function search(index: ConversationIndex, query: string, filters: SearchFilters = {}, limit = 50): SearchHit[] {
  const words = tokenize(query)
    .map(processTerm)
    .filter((t): t is string => t !== null)
  if (words.length === 0) return []
  const spec = words.map((term, i) => ({ term, prefix: i === words.length - 1 && term.length >= MIN_PREFIX }))
  return rankedQuery(index, spec, BOOSTS, (stored) => passes(stored, filters), limit, (stored) => Number(stored.lastActivityAt ?? 0)).map(
    (h) => ({ id: h.id, score: h.score, terms: h.terms, fields: h.fields }),
  )
}

export interface Segment {
  text: string
  mark: boolean
}

/** Splits text into plain and matching runs: a word is marked when it is one of the matched terms. */
export function highlight(text: string, terms: string[]): Segment[] {
  const wanted = new Set(terms.map((t) => t.toLowerCase()))
  const segments: Segment[] = []
  const push = (part: string, mark: boolean) => {
    if (!part) return
    const last = segments.at(-1)
    if (last && last.mark === mark && !mark) last.text += part
    else segments.push({ text: part, mark })
  }
  const word = /[\p{L}\p{N}]+/gu
  let at = 0
  for (const m of text.matchAll(word)) {
    push(text.slice(at, m.index), false)
    push(m[0], wanted.has(m[0].toLowerCase()))
    at = m.index + m[0].length
  }
  push(text.slice(at), false)
  return segments
}

/** A window of text around the first matching word, highlighted (null: no word matches). */
export function snippet(text: string, terms: string[], radius = 60): Segment[] | null {
  const wanted = new Set(terms.map((t) => t.toLowerCase()))
  for (const m of text.matchAll(/[\p{L}\p{N}]+/gu)) {
    if (!wanted.has(m[0].toLowerCase())) continue
    const start = Math.max(0, m.index - radius)
    const end = Math.min(text.length, m.index + m[0].length + radius)
    const window = (start > 0 ? '…' : '') + text.slice(start, end).replace(/\s+/g, ' ') + (end < text.length ? '…' : '')
    return highlight(window, terms)
  }
  return null
}
