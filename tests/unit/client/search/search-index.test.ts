import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createIndex, highlight, loadIndex, messageText, search, serializeIndex, snippet, upsert, remove, type SearchSource } from '../../../../client/search/search-index.ts'

// The reference: a plain scan of each conversation's words. A conversation matches when every query
// word but the last is one of its words and the last is a prefix of one (from two characters on).
const words = (text: string) => text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean)
function referenceWords(s: SearchSource): string[] {
  const c = s.contact
  return [String(s.conversation.number), c?.name ?? '', c?.email ?? '', s.conversation.labels.join(' '), messageText(s.messages)].flatMap(words)
}
function referenceMatches(s: SearchSource, query: string[]): boolean {
  const own = referenceWords(s)
  return query.every((q, i) => (i === query.length - 1 && q.length >= 2 ? own.some((w) => w.startsWith(q)) : own.includes(q)))
}

const word = fc.constantFrom('parcel', 'parcels', 'refund', 'ref', 'account', 'close', 'dana', 'eric', 'example', 'net', 'com', 'vip', 'billing', 'été', '42', '420', '7')
const sentence = fc.array(word, { minLength: 0, maxLength: 6 }).chain((ws) => fc.constantFrom(' ', ', ', '. ', '@', '-').map((sep) => ws.join(sep)))
const source = (id: number) =>
  fc.record({
    number: fc.integer({ min: 1, max: 500 }),
    name: sentence,
    email: fc.option(fc.tuple(word, word).map(([a, b]) => `${a}@${b}.com`), { nil: null }),
    labels: fc.array(word, { maxLength: 3 }),
    messages: fc.array(fc.record({ kind: fc.constantFrom('incoming', 'reply', 'note', 'activity'), body: sentence }), { maxLength: 5 }),
    status: fc.constantFrom('open', 'resolved'),
  }).map((r): SearchSource => ({
    conversation: { id: `c${id}`, number: r.number, status: r.status, assignee: '', inboxId: 'i1', labels: r.labels, lastActivityAt: id },
    contact: { name: r.name, email: r.email },
    messages: r.messages,
  }))
const sources = fc.integer({ min: 1, max: 25 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => source(i))))

describe('the conversation search index', () => {
  it('finds exactly the conversations a plain scan finds (the last word as a prefix), persisted or not', () => {
    fc.assert(
      fc.property(sources, fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), fc.nat(), (all, picks, cut) => {
        const pool = [...new Set(all.flatMap(referenceWords))]
        if (pool.length === 0) return
        const terms = picks.map((p) => pool[p % pool.length]!)
        // The last word is typed halfway, as when searching as you type.
        const last = terms.at(-1)!
        terms[terms.length - 1] = last.slice(0, 1 + (cut % last.length))
        const index = createIndex()
        for (const s of all) upsert(index, s)
        const expected = all.filter((s) => referenceMatches(s, terms)).map((s) => s.conversation.id).sort()
        const found = search(index, terms.join(' '), {}, 1000).map((h) => h.id).sort()
        expect(found).toEqual(expected)
        const reloaded = search(loadIndex(serializeIndex(index)), terms.join(' '), {}, 1000).map((h) => h.id).sort()
        expect(reloaded).toEqual(expected)
      }),
      { numRuns: 200 },
    )
  })

  it('updates a conversation in place and forgets a removed one', () => {
    const index = createIndex()
    const base: SearchSource = {
      conversation: { id: 'c1', number: 42, status: 'open', assignee: '', inboxId: 'i1', labels: [], lastActivityAt: 1 },
      contact: { name: 'Dana Offline', email: 'dana@example.net' },
      messages: [{ kind: 'incoming', body: 'My parcel never arrived.' }],
    }
    upsert(index, base)
    expect(search(index, 'kangaroo')).toEqual([])
    upsert(index, { ...base, messages: [...base.messages, { kind: 'note', body: 'Kangaroo courier lost it' }] })
    expect(search(index, 'kangaroo').map((h) => h.id)).toEqual(['c1'])
    expect(search(index, '#42').map((h) => h.id)).toEqual(['c1'])
    expect(search(index, 'dana@example.net').map((h) => h.id)).toEqual(['c1'])
    remove(index, 'c1')
    expect(search(index, 'parcel')).toEqual([])
  })

  it('combines filters with the text, and ranks a number or a name above a passing mention', () => {
    const index = createIndex()
    const mk = (id: string, status: string, assignee: string, labels: string[], name: string, body: string): SearchSource => ({
      conversation: { id, number: Number(id.slice(1)), status, assignee, inboxId: id === 'c3' ? 'i2' : 'i1', labels, lastActivityAt: 0 },
      contact: { name, email: null },
      messages: [{ kind: 'incoming', body }],
    })
    upsert(index, mk('c1', 'open', 'a1', ['vip'], 'Refund Person', 'hello'))
    upsert(index, mk('c2', 'resolved', '', [], 'Someone', 'a refund please, refund now'))
    upsert(index, mk('c3', 'open', '', ['vip'], 'Other', 'refund'))
    expect(search(index, 'refund').map((h) => h.id)[0]).toBe('c1')
    expect(search(index, 'refund', { status: 'resolved' }).map((h) => h.id)).toEqual(['c2'])
    expect(search(index, 'refund', { assignee: '' }).map((h) => h.id).sort()).toEqual(['c2', 'c3'])
    expect(search(index, 'refund', { label: 'vip', inboxId: 'i2' }).map((h) => h.id)).toEqual(['c3'])
  })

  it('caps the message text at a word boundary, keeping the newest', () => {
    const text = messageText([{ kind: 'incoming', body: 'oldword ' + 'x'.repeat(30_000) }, { kind: 'note', body: 'newest words' }])
    expect(text.length).toBeLessThanOrEqual(20_000)
    expect(text).toContain('newest words')
    expect(text).not.toContain('oldword')
  })

  it('marks the matching words only', () => {
    expect(highlight('My parcel, parcels.', ['parcel'])).toEqual([
      { text: 'My ', mark: false },
      { text: 'parcel', mark: true },
      { text: ', parcels.', mark: false },
    ])
    expect(snippet('nothing here', ['parcel'])).toBeNull()
    expect(snippet(`${'a '.repeat(100)}Parcel lost`, ['parcel'])?.find((s) => s.mark)?.text).toBe('Parcel')
  })
})
