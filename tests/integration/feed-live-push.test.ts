import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { eventually } from '../support/eventually.ts'
import { type AgentClient, TestServer } from '../support/server.ts'
import { SocketPool } from '../support/ws-client.ts'

// The feed socket `/api/feed/live` pushes each new entry of the account as it is written; `after` on
// a push is the seq a client must already have for the entries to follow on without a gap.

describe('feed live push', () => {
  let server: TestServer
  let alice: AgentClient
  let mallory: AgentClient
  const sockets = new SocketPool()

  beforeAll(async () => {
    server = await TestServer.start()
    ;[alice, mallory] = await Promise.all([server.clientFor(server.acme.alice), server.clientFor(server.other.mallory)])
  })
  afterEach(() => sockets.closeAll())
  afterAll(() => server.close())

  it('pushes every entry written after the socket opened, each once, and they match the HTTP feed', async () => {
    const start = (await alice.feedAll()).cursor
    const feed = await sockets.feed(server, { token: alice.token })
    const { conversationId } = await server.customerWrites({ email: 'push@customer.test' }, 'Pushed?')
    const note = { id: randomUUID(), kind: 'note' as const, body: 'internal', basedOnSeq: 0 }
    await alice.postMessage(conversationId, note)
    await alice.patch(conversationId, { assigneeId: server.acme.alice.id })

    const lastSeq = await eventually(async () => {
      const { lastSeq } = await alice.feedPage(0, 1)
      const pushed = feed.entries().map((e) => e.seq).sort((a, b) => a - b)
      // Every seq from the start to the newest one, exactly once: nothing written was left unpushed.
      expect(pushed).toEqual(Array.from({ length: lastSeq - start }, (_, i) => start + 1 + i))
      return lastSeq
    })
    expect(lastSeq).toBeGreaterThan(start)
    for (const push of feed.pushes) expect(push.after).toBe(push.entries[0]!.seq - 1)

    // The latest version of each entity in the pushes is what the HTTP feed holds.
    const pulled = (await alice.feedAll(start)).entries
    for (const entry of pulled) expect(feed.entries()).toContainEqual(entry)
    expect(feed.entries()).toContainEqual(expect.objectContaining({ kind: 'message', message: expect.objectContaining({ id: note.id }) }))
  })

  it("every socket of the account gets the push; another account's socket gets nothing", async () => {
    const one = await sockets.feed(server, { token: alice.token })
    const two = await sockets.feed(server, { cookie: await server.cookieFor(server.acme.bob), origin: server.url })
    const theirs = await sockets.feed(server, { token: mallory.token })
    const { messageId } = await server.customerWrites({ email: 'both@customer.test' }, 'For everyone')
    const hasIt = (entries: { kind: string; message?: { id: string } }[]) => entries.some((e) => e.kind === 'message' && e.message?.id === messageId)
    await eventually(() => {
      expect(hasIt(one.entries())).toBe(true)
      expect(hasIt(two.entries())).toBe(true)
    })
    // Mallory's own write is pushed to her after Acme's: had Acme's reached her socket, it would be there first.
    const mine = await server.customerWrites({ email: 'own@customer.test' }, 'Mine', server.other.apiInbox.token)
    await eventually(() => expect(theirs.entries().some((e) => e.kind === 'message' && e.message.id === mine.messageId)).toBe(true))
    expect(theirs.entries().every((e) => (e.kind === 'message' ? e.message.accountId : e.kind === 'contact' ? e.contact.accountId : e.kind === 'conversation' ? e.conversation.accountId : null) === server.other.accountId)).toBe(true)
  })

  it('the feed socket takes no messages: sending one closes it with 4400', async () => {
    const feed = await sockets.feed(server, { token: alice.token })
    feed.socket.send('hello')
    expect(await feed.closed).toEqual({ code: 4400, reason: 'the feed socket takes no messages' })
    // Other sockets and HTTP carry on.
    const other = await sockets.feed(server, { token: alice.token })
    const { messageId } = await server.customerWrites({ email: 'after@customer.test' }, 'Still there?')
    await eventually(() => expect(other.entries().some((e) => e.kind === 'message' && e.message.id === messageId)).toBe(true))
  })
})
