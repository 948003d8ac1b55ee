import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PostMessage } from '../../shared/schemas/api.ts'
import type { FeedEntry } from '../../shared/schemas/feed.ts'
import { type AgentClient, TestServer } from '../support/server.ts'

// DESIGN §4 rule 5: a reply is stored (and so delivered) exactly once whatever the retries. The
// outbox posts with the client's UUID; the same id again is answered with the first result.

describe('idempotent replies', () => {
  let server: TestServer
  let alice: AgentClient
  let bob: AgentClient

  beforeAll(async () => {
    server = await TestServer.start()
    ;[alice, bob] = await Promise.all([server.clientFor(server.acme.alice), server.clientFor(server.acme.bob)])
  })
  afterAll(() => server.close())

  const messageEntries = (entries: FeedEntry[], id: string) => entries.filter((e) => e.kind === 'message' && e.message.id === id)

  it('the same id posted twice: 201, then 200 with duplicate: true and the first message; stored once', async () => {
    const { conversationId } = await server.customerWrites({ email: 'jo@customer.test' }, 'Refund please')
    const before = await alice.feedAll()
    const reply: PostMessage = { id: randomUUID(), kind: 'reply', body: 'Refund issued.', basedOnSeq: before.cursor }

    const first = await alice.postMessage(conversationId, reply)
    expect(first.status).toBe(201)
    expect(first.body).toMatchObject({ duplicate: false, message: { id: reply.id, kind: 'reply', body: 'Refund issued.', authorAgentId: alice.agent.id } })

    const again = await alice.postMessage(conversationId, reply)
    expect(again.status).toBe(200)
    expect(again.body.duplicate).toBe(true)
    expect(again.body.message).toEqual(first.body.message)

    const view = await alice.conversation(conversationId)
    expect(view.messages.filter((m) => m.id === reply.id)).toHaveLength(1)
    expect(view.conversation.lastMessageSeq).toBe(first.body.message.seq)
    const after = await alice.feedAll(before.cursor)
    expect(messageEntries(after.entries, reply.id)).toHaveLength(1)
  })

  it('a retry from another device of the same agent, or by a colleague, with the same id is still the same message', async () => {
    const { conversationId } = await server.customerWrites({ email: 'kim@customer.test' }, 'Status?')
    const note: PostMessage = { id: randomUUID(), kind: 'note', body: 'Checking with billing', basedOnSeq: 0 }
    expect((await alice.postMessage(conversationId, note)).status).toBe(201)
    const fromBob = await bob.postMessage(conversationId, { ...note, body: 'a different text' })
    expect(fromBob.status).toBe(200)
    // The first message stands: a retry never rewrites what was stored.
    expect(fromBob.body.message).toMatchObject({ body: 'Checking with billing', authorAgentId: alice.agent.id })
    expect((await alice.conversation(conversationId)).messages.filter((m) => m.kind === 'note')).toHaveLength(1)
  })

  it('the same id on another conversation, or as another kind, is a conflict (409), and nothing is written', async () => {
    const one = await server.customerWrites({ email: 'lee@customer.test' }, 'First')
    const two = await server.customerWrites({ email: 'max@customer.test' }, 'Second')
    // basedOnSeq is the newest seq seen, as the app would send it: this reply collides with nothing.
    const reply: PostMessage = { id: randomUUID(), kind: 'reply', body: 'Hello', basedOnSeq: (await alice.feedAll()).cursor }
    expect((await alice.postMessage(one.conversationId, reply)).status).toBe(201)
    const cursor = (await alice.feedAll()).cursor

    const elsewhere = await alice.postMessage(two.conversationId, reply)
    expect(elsewhere.status).toBe(409)
    expect(elsewhere.body).toHaveProperty('error')
    expect(JSON.stringify(elsewhere.body)).not.toContain('Hello')
    const asNote = await alice.postMessage(one.conversationId, { ...reply, kind: 'note' })
    expect(asNote.status).toBe(409)

    expect((await alice.conversation(two.conversationId)).messages.map((m) => m.kind)).toEqual(['incoming'])
    expect((await alice.feedAll(cursor)).entries).toEqual([])
  })

  it("an id already used in another account is refused, and that account's message is not revealed", async () => {
    const mallory = await server.clientFor(server.other.mallory)
    const theirs = await server.customerWrites({ email: 'ned@customer.test' }, 'Hi', server.other.apiInbox.token)
    const secret: PostMessage = { id: randomUUID(), kind: 'note', body: 'Mallory’s private note', basedOnSeq: 0 }
    expect((await mallory.postMessage(theirs.conversationId, secret)).status).toBe(201)
    const ours = await server.customerWrites({ email: 'ned@customer.test' }, 'Hi')
    const res = await alice.postMessage(ours.conversationId, { ...secret, body: 'mine' })
    expect(res.status).toBe(409)
    expect(res.text).not.toContain('private note')
  })

  it('five concurrent posts of one id store exactly one message: one 201, four 200 duplicates', async () => {
    const { conversationId } = await server.customerWrites({ email: 'ola@customer.test' }, 'Anyone?')
    const before = await alice.feedAll()
    const reply: PostMessage = { id: randomUUID(), kind: 'reply', body: 'Yes, here!', basedOnSeq: before.cursor }
    const answers = await Promise.all(Array.from({ length: 5 }, () => alice.postMessage(conversationId, reply)))
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 201])
    expect(new Set(answers.map((a) => a.body.message.seq)).size).toBe(1)
    expect((await alice.conversation(conversationId)).messages.filter((m) => m.id === reply.id)).toHaveLength(1)
    expect(messageEntries((await alice.feedAll(before.cursor)).entries, reply.id)).toHaveLength(1)
  })
})
