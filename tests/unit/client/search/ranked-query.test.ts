import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createIndex, search, upsert, type SearchSource } from '../../../../client/search/search-index.ts'

// search() ranks with its own evaluator over MiniSearch's index (client/search/ranked-query.ts). This
// holds it to MiniSearch's own search(): the same conversations with the same BM25 scores, in the
// same order wherever scores differ. It also fails if a MiniSearch upgrade changes the index
// structures the evaluator reads.

const word = fc.constantFrom('parcel', 'parcels', 'par', 'refund', 'ref', 'account', 'dana', 'example', 'net', 'vip', 'invoice', 'in', '42', 'été')
const text = fc.array(word, { maxLength: 8 }).map((ws) => ws.join(' '))
const source = (id: number) =>
  fc
    .record({ number: fc.integer({ min: 1, max: 99 }), name: text, email: fc.option(fc.tuple(word, word).map(([a, b]) => `${a}@${b}.com`), { nil: null }), labels: fc.array(word, { maxLength: 2 }), bodies: fc.array(text, { maxLength: 4 }) })
    .map(
      (r): SearchSource => ({
        conversation: { id: `c${id}`, number: r.number, status: 'open', assignee: '', inboxId: 'i1', labels: r.labels, lastActivityAt: id },
        contact: { name: r.name, email: r.email },
        messages: r.bodies.map((body) => ({ kind: 'incoming', body })),
      }),
    )
const corpus = fc.integer({ min: 1, max: 30 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => source(i))))
const query = fc.array(word, { minLength: 1, maxLength: 3 }).chain((ws) => fc.nat().map((cut) => [...ws.slice(0, -1), ws.at(-1)!.slice(0, 1 + (cut % ws.at(-1)!.length))].join(' ')))

describe('the ranked query', () => {
  it('finds and scores what MiniSearch search() finds, in its order', () => {
    fc.assert(
      fc.property(corpus, query, (all, q) => {
        const index = createIndex()
        for (const s of all) upsert(index, s)
        // MiniSearch counts each distinct query word once in its quality factor.
        const words = new Set(q.split(' ')).size
        const reference = index.search(q)
        const ours = search(index, q, {}, 1000)
        expect(ours.map((h) => h.id).sort()).toEqual(reference.map((r) => String(r.id)).sort())
        // MiniSearch multiplies by the number of query words matched: with AND, every hit matched all.
        const byId = new Map(reference.map((r) => [String(r.id), r.score / words]))
        for (const hit of ours) expect(hit.score).toBeCloseTo(byId.get(hit.id)!, 9)
        for (let i = 1; i < ours.length; i++) expect(ours[i - 1]!.score).toBeGreaterThanOrEqual(ours[i]!.score - 1e-9)
        // What matched, for highlighting: the indexed words MiniSearch reports, prefix expansions included.
        for (const hit of ours) {
          const r = reference.find((x) => String(x.id) === hit.id)!
          expect([...hit.terms].sort()).toEqual([...r.terms].sort())
        }
      }),
      { numRuns: 300 },
    )
  })

  it('breaks equal scores by newest activity and keeps only the best within the limit', () => {
    const index = createIndex()
    for (let i = 0; i < 120; i++) {
      upsert(index, {
        conversation: { id: `c${i}`, number: 1000 + i, status: 'open', assignee: '', inboxId: 'i1', labels: [], lastActivityAt: i },
        contact: { name: 'Same Name', email: null },
        messages: [],
      })
    }
    const hits = search(index, 'same', {}, 50)
    expect(hits).toHaveLength(50)
    expect(hits.map((h) => h.id)).toEqual(Array.from({ length: 50 }, (_, i) => `c${119 - i}`))
  })
})
