import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FeedEntry } from '../../shared/schemas/feed.ts'
import { eventually } from '../support/eventually.ts'
import { type AgentClient, TestServer } from '../support/server.ts'

// The change feed (DESIGN §3): a device pulls `after=<seq>` page by page until caught up. Every
// entry arrives once, in seq order, and a later pull from the last cursor gets exactly what is new.

const entityId = (e: FeedEntry): string => {
  switch (e.kind) {
    case 'message':
      return `message:${e.message.id}`
    case 'contact':
      return `contact:${e.contact.id}`
    case 'canned':
      return `canned:${e.canned.id}`
    case 'directory':
      return `directory:${e.directory.account.id}`
    case 'notification':
      return `notification:${e.notification.id}`
    case 'read':
      return `read:${e.read.agentId}:${e.read.conversationId}`
    case 'conversation':
      return `conversation:${e.conversation.id}`
  }
}

describe('feed catch-up', () => {
  let server: TestServer
  let alice: AgentClient
  const conversations: string[] = []

  beforeAll(async () => {
    server = await TestServer.start()
    alice = await server.clientFor(server.acme.alice)
    for (let i = 0; i < 4; i++) {
      const { conversationId } = await server.customerWrites({ email: `c${i}@customer.test` }, `Question ${i}`)
      conversations.push(conversationId)
      await alice.postMessage(conversationId, { id: randomUUID(), kind: 'note', body: `note ${i}`, basedOnSeq: 0 })
    }
    await alice.patch(conversations[0]!, { status: 'pending', assigneeId: server.acme.bob.id })
  })
  afterAll(() => server.close())

  /** Pages with `limit` until `hasMore` is false, checking each page's shape on the way. */
  async function pageThrough(after: number, limit: number) {
    const entries: FeedEntry[] = []
    let cursor = after
    let pages = 0
    let lastSeq = 0
    for (;;) {
      const page = await alice.feedPage(cursor, limit)
      pages += 1
      expect(page.entries.length).toBeLessThanOrEqual(limit)
      entries.push(...page.entries)
      cursor = page.entries.at(-1)?.seq ?? cursor
      lastSeq = page.lastSeq
      if (!page.hasMore) break
      expect(pages).toBeLessThan(1_000)
    }
    return { entries, cursor, pages, lastSeq }
  }

  /** The rules write activity lines after a state change: wait until nothing more is being written. */
  async function quiescent(): Promise<number> {
    let previous = -1
    return eventually(async () => {
      const { lastSeq } = await alice.feedPage(0, 1)
      const settled = lastSeq === previous
      previous = lastSeq
      expect(settled).toBe(true)
      return lastSeq
    }, { interval: 100 })
  }

  it('paging from 0 with a small limit collects every entry once, in strictly increasing seq order', async () => {
    const lastSeq = await quiescent()
    const all = await alice.feedPage(0, 2000)
    expect(all.hasMore).toBe(false)

    for (const limit of [1, 2, 3, 7]) {
      const paged = await pageThrough(0, limit)
      expect(paged.entries).toEqual(all.entries)
      expect(paged.pages).toBeGreaterThanOrEqual(Math.ceil(all.entries.length / limit))
      expect(paged.lastSeq).toBe(lastSeq)
      // The newest entry Alice may read: the account's newest can be another agent's own (Bob's
      // notification of the assignment), written after the activity lines or before, by timing.
      expect(paged.cursor).toBe(all.entries.at(-1)!.seq)
    }

    const seqs = all.entries.map((e) => e.seq)
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]!)
    const ids = all.entries.map(entityId)
    expect(new Set(ids).size).toBe(ids.length)
    // Everything the setup wrote is there: 4 contacts, 4 conversations (latest version only), 4
    // incoming messages, 4 notes, and the activity lines of the status and assignment change.
    expect(all.entries.filter((e) => e.kind === 'contact')).toHaveLength(4)
    expect(all.entries.filter((e) => e.kind === 'conversation')).toHaveLength(4)
    const bodies = all.entries.flatMap((e) => (e.kind === 'message' ? [e.message.body] : []))
    expect(bodies).toEqual(expect.arrayContaining(['Question 0', 'Question 3', 'note 0', 'note 3', 'Alice Martin marked the conversation as pending']))
    // The superseded versions are gone: the one row of conversation 0 is its latest state.
    const row = all.entries.find((e) => e.kind === 'conversation' && e.conversation.id === conversations[0])
    expect(row).toMatchObject({ conversation: { status: 'pending', assigneeId: server.acme.bob.id } })
  })

  it('continuing from the last cursor after more writes gets exactly the new entries', async () => {
    const cursor = await quiescent()
    const { conversationId } = await server.customerWrites({ email: 'new@customer.test' }, 'Brand new')
    const reply = await alice.postMessage(conversations[1]!, { id: randomUUID(), kind: 'reply', body: 'On it', basedOnSeq: cursor + 1 })
    expect(reply.status).toBe(201)

    const fresh = await pageThrough(cursor, 2)
    expect(fresh.entries.every((e) => e.seq > cursor)).toBe(true)
    const newContact = fresh.entries.flatMap((e) => (e.kind === 'contact' ? [e.contact.id] : []))
    const newMessage = fresh.entries.flatMap((e) => (e.kind === 'message' && e.message.body === 'Brand new' ? [e.message.id] : []))
    expect(newContact).toHaveLength(1)
    expect(newMessage).toHaveLength(1)
    expect(fresh.entries.map(entityId).sort()).toEqual(
      [
        `contact:${newContact[0]}`,
        `conversation:${conversationId}`,
        `message:${newMessage[0]}`,
        `conversation:${conversations[1]}`,
        `message:${reply.body.message.id}`,
      ].sort(),
    )
    // Caught up: the next pull is empty.
    const again = await alice.feedPage(fresh.cursor, 2)
    expect(again).toEqual({ entries: [], lastSeq: fresh.cursor, hasMore: false })
  })

  it('rejects bad cursors and limits with 400 naming the parameter', async () => {
    for (const [query, field] of [['after=-1', 'after'], ['after=abc', 'after'], ['limit=0', 'limit'], ['limit=5000', 'limit'], ['after=1.5', 'after']]) {
      const res = await alice.request<{ fields: { path: string }[] }>(`/api/feed?${query}`)
      expect(res.status, query).toBe(400)
      expect(res.body.fields.map((f) => f.path)).toEqual([field])
    }
  })
})
