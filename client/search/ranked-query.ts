import type MiniSearch from 'minisearch'

// The as-you-type query over MiniSearch's inverted index. MiniSearch's own search() builds a result
// object (score, terms, a match map) for every document each word matches and only then intersects
// and sorts: with a word found in nearly every conversation ("refund", or "in" growing into
// "invoice") that is 10,000 objects per keystroke and 150-400 ms (bench -- search). Here the words
// are evaluated rarest first, each later word only probing the survivors, scores are plain numbers,
// and match details are worked out for the shown results alone. The scoring is MiniSearch's BM25
// with its default parameters and prefix weights, so results rank as its search() ranks them; a unit
// test holds the two to the same order (tests/unit/client/search/ranked-query.test.ts).
//
// It reads MiniSearch's index structures, which are not public API: minisearch is pinned to an exact
// version in package.json, and the test above fails if their shape changes.

/** term → field id → document short id → term frequency. */
type FieldPostings = Map<number, Map<number, number>>

interface IndexInternals {
  _index: { get(term: string): FieldPostings | undefined; atPrefix(prefix: string): Iterable<[string, FieldPostings]> }
  _fieldIds: Record<string, number>
  _fieldLength: Map<number, number[]>
  _avgFieldLength: number[]
  _documentIds: Map<number, string>
  _storedFields: Map<number, Record<string, unknown>>
  _documentCount: number
}

/** MiniSearch's defaults (defaultSearchOptions): BM25 k, b, d and the weight of a prefix match. */
const BM25 = { k: 1.2, b: 0.7, d: 0.5 }
const PREFIX_WEIGHT = 0.375

export interface QueryWord {
  term: string
  prefix: boolean
}

export interface RankedHit {
  id: string
  score: number
  /** Indexed words that matched (prefix expansions included). */
  terms: string[]
  /** Field names they matched in. */
  fields: string[]
  stored: Record<string, unknown>
}

interface Posting {
  term: string
  field: string
  fieldId: number
  docs: Map<number, number>
  /** Weight × boost × idf, the same for every document of the posting. */
  factor: number
  avgLength: number
}

function postingsOf(index: IndexInternals, word: QueryWord, boosts: Record<string, number>): Posting[] {
  const expansions: [string, FieldPostings, number][] = []
  const exact = index._index.get(word.term)
  if (exact) expansions.push([word.term, exact, 1])
  if (word.prefix) {
    for (const [term, data] of index._index.atPrefix(word.term)) {
      const distance = term.length - word.term.length
      if (distance === 0) continue
      expansions.push([term, data, (PREFIX_WEIGHT * term.length) / (term.length + 0.3 * distance)])
    }
  }
  const postings: Posting[] = []
  for (const [term, data, weight] of expansions) {
    for (const [field, boost] of Object.entries(boosts)) {
      const fieldId = index._fieldIds[field]
      const docs = fieldId === undefined ? undefined : data.get(fieldId)
      if (fieldId === undefined || !docs || docs.size === 0) continue
      // A replaced or removed document leaves its postings behind until MiniSearch vacuums them, so a
      // posting can hold more documents than the index has: never let that turn the idf negative.
      const n = Math.min(docs.size, index._documentCount)
      const idf = Math.log(1 + (index._documentCount - n + 0.5) / (n + 0.5))
      postings.push({ term, field, fieldId, docs, factor: weight * boost * idf, avgLength: index._avgFieldLength[fieldId] ?? 1 })
    }
  }
  return postings
}

function scoreOf(index: IndexInternals, p: Posting, doc: number, termFreq: number): number {
  const fieldLength = index._fieldLength.get(doc)?.[p.fieldId] ?? 0
  return p.factor * (BM25.d + (termFreq * (BM25.k + 1)) / (termFreq + BM25.k * (1 - BM25.b + (BM25.b * fieldLength) / p.avgLength)))
}

const sizeOf = (postings: Posting[]) => postings.reduce((sum, p) => sum + p.docs.size, 0)

/** Documents containing every word (AND), best first, at most `limit`; `keep` filters on stored fields. */
export function rankedQuery(
  search: MiniSearch<never> | MiniSearch<object>,
  words: QueryWord[],
  boosts: Record<string, number>,
  keep: (stored: Record<string, unknown>) => boolean,
  limit: number,
  /** Orders equal scores: the larger first (e.g. newest activity). */
  tieBreak: (stored: Record<string, unknown>) => number,
): RankedHit[] {
  const index = search as unknown as IndexInternals
  const perWord = words.map((w) => postingsOf(index, w, boosts)).sort((a, b) => sizeOf(a) - sizeOf(b))
  let scores: Map<number, number> | null = null
  for (const postings of perWord) {
    const next = new Map<number, number>()
    if (scores === null) {
      for (const p of postings) {
        for (const [doc, tf] of p.docs) {
          const stored = index._storedFields.get(doc)
          if (!index._documentIds.has(doc) || !stored || !keep(stored)) continue
          next.set(doc, (next.get(doc) ?? 0) + scoreOf(index, p, doc, tf))
        }
      }
    } else if (scores.size * postings.length < sizeOf(postings)) {
      // Few survivors: probe each of them in this word's postings.
      for (const [doc, base] of scores) {
        let add = 0
        let found = false
        for (const p of postings) {
          const tf = p.docs.get(doc)
          if (tf === undefined) continue
          found = true
          add += scoreOf(index, p, doc, tf)
        }
        if (found) next.set(doc, base + add)
      }
    } else {
      for (const p of postings) {
        for (const [doc, tf] of p.docs) {
          const base: number | undefined = scores.get(doc)
          if (base === undefined) continue
          next.set(doc, (next.get(doc) ?? base) + scoreOf(index, p, doc, tf))
        }
      }
    }
    scores = next
    if (scores.size === 0) break
  }
  if (!scores) return []
  return best(scores, limit, (doc) => tieBreak(index._storedFields.get(doc) ?? {})).map(({ doc, score }) => {
    const terms = new Set<string>()
    const fields = new Set<string>()
    for (const postings of perWord) {
      for (const p of postings) {
        if (!p.docs.has(doc)) continue
        terms.add(p.term)
        fields.add(p.field)
      }
    }
    return { id: index._documentIds.get(doc)!, score, terms: [...terms], fields: [...fields], stored: index._storedFields.get(doc) ?? {} }
  })
}

interface Ranked {
  doc: number
  score: number
  tie: number
}

const before = (a: Ranked, b: Ranked) => a.score > b.score || (a.score === b.score && a.tie > b.tie)

/** The `limit` best, best first, without sorting all of them (10,000 matches, 50 shown). */
function best(scores: Map<number, number>, limit: number, tieOf: (doc: number) => number): Ranked[] {
  const top: Ranked[] = []
  for (const [doc, score] of scores) {
    const last = top[top.length - 1]
    if (top.length >= limit && last && score < last.score) continue
    const item = { doc, score, tie: tieOf(doc) }
    if (top.length >= limit && last && !before(item, last)) continue
    let at = top.length
    while (at > 0 && before(item, top[at - 1]!)) at--
    top.splice(at, 0, item)
    if (top.length > limit) top.pop()
  }
  return top
}
