import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { FeedEntry } from '../../shared/schemas/feed.ts'
import type { ReadMark } from '../../shared/schemas/notifications.ts'
import { eventually } from '../support/eventually.ts'
import { type AgentClient, TestServer, expectStatus } from '../support/server.ts'
import { SocketPool } from '../support/ws-client.ts'

// Issue 12: an agent's read position per conversation. POST /api/conversations/{id}/read keeps the
// larger mark (unless "Mark as unread"), and its feed entry reaches that agent alone.

type ReadEntry = Extract<FeedEntry, { kind: 'read' }>
const readsIn = (entries: FeedEntry[]): ReadEntry[] => entries.filter((e): e is ReadEntry => e.kind === 'read')

describe('read marks', () => {
  let server: TestServer
  let alice: AgentClient
  let bob: AgentClient
  let mallory: AgentClient
  const sockets = new SocketPool()

  beforeAll(async () => {
    server = await TestServer.start()
    ;[alice, bob, mallory] = await Promise.all([
      server.clientFor(server.acme.alice),
      server.clientFor(server.acme.bob),
      server.clientFor(server.other.mallory),
    ])
  })
  afterEach(() => sockets.closeAll())
  afterAll(() => server.close())

  const markRead = (client: AgentClient, conversationId: string, body: unknown) =>
    client.request<{ read: ReadMark }>(`/api/conversations/${conversationId}/read`, { json: body })

  /** A conversation with two customer messages; the seqs of both. */
  async function twoMessages(email: string): Promise<{ conversationId: string; first: number; second: number }> {
    const { conversationId } = await server.customerWrites({ email }, 'First')
    await server.customerWrites({ email }, 'Second')
    const { messages } = await alice.conversation(conversationId)
    const seqs = messages.filter((m) => m.kind === 'incoming').map((m) => m.seq)
    expect(seqs).toHaveLength(2)
    return { conversationId, first: seqs[0]!, second: seqs[1]! }
  }

  it('keeps the larger mark: a lower seenSeq later changes nothing, and a repeat writes no entry', async () => {
    const { conversationId, first, second } = await twoMessages('max@customer.test')
    const start = (await alice.feedAll()).cursor

    const read = expectStatus(await markRead(alice, conversationId, { seenSeq: second }), 200).read
    expect(read).toMatchObject({ agentId: server.acme.alice.id, conversationId, seenSeq: second })
    // A device that had read less, online late: the mark stays where it is.
    expect(expectStatus(await markRead(alice, conversationId, { seenSeq: first }), 200).read.seenSeq).toBe(second)
    expect(expectStatus(await markRead(alice, conversationId, { seenSeq: second }), 200).read.seenSeq).toBe(second)

    const after = await alice.feedAll(start)
    // One write changed the mark: one entry, whatever the repeats.
    expect(readsIn(after.entries).map((e) => e.read)).toEqual([read])
    expect(await server.ctx.store.reads.get(server.acme.alice.id, conversationId)).toEqual(read)
  })

  it('a newer mark supersedes the older entry: a device catching up reads one mark per conversation', async () => {
    const { conversationId, first, second } = await twoMessages('supersede@customer.test')
    expectStatus(await markRead(alice, conversationId, { seenSeq: first }), 200)
    expectStatus(await markRead(alice, conversationId, { seenSeq: second }), 200)
    const marks = readsIn((await alice.feedAll()).entries).filter((e) => e.read.conversationId === conversationId)
    expect(marks.map((e) => e.read.seenSeq)).toEqual([second])
  })

  it('is capped at the newest message, so a mark cannot swallow messages still to come', async () => {
    const { conversationId, second } = await twoMessages('cap@customer.test')
    const read = expectStatus(await markRead(alice, conversationId, { seenSeq: 1_000_000_000 }), 200).read
    expect(read.seenSeq).toBe(second)
    await server.customerWrites({ email: 'cap@customer.test' }, 'Third')
    const { conversation } = await alice.conversation(conversationId)
    expect(conversation.lastCustomerMessageSeq).toBeGreaterThan(read.seenSeq)
  })

  it('"Mark as unread" (unread: true) moves the mark back', async () => {
    const { conversationId, first, second } = await twoMessages('unread@customer.test')
    expectStatus(await markRead(alice, conversationId, { seenSeq: second }), 200)
    const read = expectStatus(await markRead(alice, conversationId, { seenSeq: first - 1, unread: true }), 200).read
    expect(read.seenSeq).toBe(first - 1)
    const marks = readsIn((await alice.feedAll()).entries).filter((e) => e.read.conversationId === conversationId)
    expect(marks.map((e) => e.read.seenSeq)).toEqual([first - 1])
  })

  it("reaches the agent's own sockets and feed only: another agent of the account gets nothing of it", async () => {
    const { conversationId, second } = await twoMessages('private@customer.test')
    const alicePhone = await sockets.feed(server, { token: alice.token })
    const bobTablet = await sockets.feed(server, { token: bob.token })
    const read = expectStatus(await markRead(alice, conversationId, { seenSeq: second }), 200).read
    await eventually(() => expect(readsIn(alicePhone.entries()).map((e) => e.read)).toEqual([read]))
    // Bob's socket is told of a later change: had Alice's mark reached it, it would be there first.
    const { messageId } = await server.customerWrites({ email: 'private@customer.test' }, 'Later')
    await eventually(() => expect(bobTablet.entries().some((e) => e.kind === 'message' && e.message.id === messageId)).toBe(true))
    expect(readsIn(bobTablet.entries())).toEqual([])
    expect(readsIn((await bob.feedAll()).entries).filter((e) => e.read.agentId === server.acme.alice.id)).toEqual([])
    // Bob's own mark is his, beside Alice's.
    const bobs = expectStatus(await markRead(bob, conversationId, { seenSeq: 1 }), 200).read
    expect(bobs).toMatchObject({ agentId: server.acme.bob.id, seenSeq: 1 })
    expect((await server.ctx.store.reads.get(server.acme.alice.id, conversationId))?.seenSeq).toBe(second)
  })

  it("is 404 for another account's conversation or an unknown one, and 400 for a bad seenSeq", async () => {
    const { conversationId } = await twoMessages('foreign@customer.test')
    const foreign = await markRead(mallory, conversationId, { seenSeq: 1 })
    expect(foreign.status).toBe(404)
    expect(await server.ctx.store.reads.get(server.other.mallory.id, conversationId)).toBeNull()
    expect((await markRead(alice, '00000000-0000-4000-8000-000000000000', { seenSeq: 1 })).status).toBe(404)
    const invalid = await markRead(alice, conversationId, { seenSeq: -1 })
    expect(invalid.status).toBe(400)
    expect(invalid.text).toContain('seenSeq')
  })
})
