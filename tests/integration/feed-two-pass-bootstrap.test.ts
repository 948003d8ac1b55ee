import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FeedPage } from '../../shared/schemas/feed.ts'
import { type AgentClient, TestServer, expectStatus } from '../support/server.ts'

// A new device reads the feed in two passes (client/sync/feed.ts): every entry but messages first —
// what the list needs — then the messages up to that point. `kinds` and `until` select them; the two
// passes together hold exactly what one full read would.
describe('feed read in two passes', () => {
  let server: TestServer
  let alice: AgentClient

  beforeAll(async () => {
    server = await TestServer.start()
    alice = await server.clientFor(server.acme.alice)
    for (let i = 0; i < 5; i++) {
      const { conversationId } = await server.customerWrites({ email: `two-pass-${i}@customer.test` }, `Question ${i}`)
      await alice.postMessage(conversationId, { id: randomUUID(), kind: 'reply', body: `Answer ${i}`, basedOnSeq: 10_000 })
    }
  })
  afterAll(() => server.close())

  async function readAll(query: string, limit = 3) {
    const entries: FeedPage['entries'] = []
    let after = 0
    let lastSeq = 0
    for (;;) {
      const page = expectStatus(await alice.request<FeedPage>(`/api/feed?after=${after}&limit=${limit}${query}`), 200)
      entries.push(...page.entries)
      lastSeq = page.lastSeq
      if (!page.hasMore) return { entries, lastSeq }
      after = page.entries.at(-1)!.seq
    }
  }

  it('kinds selects entry kinds; until bounds the seqs; both passes add up to the full feed', async () => {
    const full = await readAll('', 1000)
    const first = await readAll('&kinds=contact,conversation,canned')
    expect(new Set(first.entries.map((e) => e.kind))).toEqual(new Set(['contact', 'conversation']))
    const until = first.lastSeq
    const history = await readAll(`&kinds=message&until=${until}`)
    expect(history.entries.every((e) => e.kind === 'message' && e.seq <= until)).toBe(true)
    const seqs = (entries: FeedPage['entries']) => entries.map((e) => e.seq).sort((a, b) => a - b)
    expect(seqs([...first.entries, ...history.entries])).toEqual(seqs(full.entries))
  })

  it('an unknown kind is a 400 naming the field', async () => {
    const res = await alice.request<{ fields: { path: string }[] }>('/api/feed?kinds=message,bogus')
    expect(res.status).toBe(400)
    expect(res.body.fields.map((f) => f.path)).toEqual(['kinds.1'])
  })
})
