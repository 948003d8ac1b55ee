import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { WidgetMessage } from '../../shared/schemas/widget.ts'
import { eventually } from '../support/eventually.ts'
import { type AgentClient, TestServer, expectStatus } from '../support/server.ts'
import { testRedisUrl, uniquePrefix } from '../support/redis.ts'
import { TestVisitor, VisitorSockets } from '../support/widget-visitor.ts'
import { SocketPool } from '../support/ws-client.ts'

/** A server on a fresh database and a second process on it start here: slow on a busy machine (PostgreSQL). */
const STARTS_MS = 120_000

// Issue 11: a website visitor's live socket on process B hears what happens on process A: the
// agent's reply, "typing", and being blocked; and a first message sent through A (which makes the
// visitor's contact there) still lets B's socket follow the conversation.

describe('the widget across two processes', () => {
  let a: TestServer
  let b: TestServer
  let alice: AgentClient
  const sockets = new SocketPool()
  const visitors = new VisitorSockets()

  beforeAll(async () => {
    const url = await testRedisUrl()
    a = await TestServer.start({ env: { REDIS_URL: url, REDIS_PREFIX: uniquePrefix('widget') } })
    b = await a.peer()
    alice = await a.clientFor(a.acme.alice)
  }, STARTS_MS)
  afterEach(() => {
    sockets.closeAll()
    visitors.closeAll()
  })
  afterAll(async () => {
    await b?.close()
    await a?.close()
  })

  /** The visitor's message sent through process A (the widget's HTTP calls may reach either). */
  const sendThroughA = async (visitor: TestVisitor, body: string): Promise<WidgetMessage> =>
    expectStatus(await a.request<{ message: WidgetMessage }>('/api/widget/messages', { token: visitor.token, json: { id: randomUUID(), body } }), 201)
      .message
  const conversationOf = async (body: string): Promise<string> =>
    eventually(async () => {
      const { entries } = await alice.feedAll()
      const found = entries.find((e) => e.kind === 'message' && e.message.body === body)
      if (found?.kind !== 'message') throw new Error('not in the feed yet')
      return found.message.conversationId
    })

  it("a visitor connected to B gets the reply and the typing of an agent on A, even when the first message went through A", async () => {
    const visitor = await TestVisitor.start(b, { name: 'Vera' })
    const live = await visitor.live(visitors)
    const first = `Hello from the shop ${randomUUID()}`
    await sendThroughA(visitor, first)
    const conversationId = await conversationOf(first)
    await eventually(() => expect(live.messages().map((m) => m.body)).toContain(first), { timeout: 2_000 })

    const room = await sockets.room(a, conversationId, { token: alice.token })
    room.provider.awareness.setLocalState({ user: { id: alice.agent.id, name: alice.agent.name, color: '#000' }, activity: 'replying' })
    await eventually(() => expect(live.typing()).toContainEqual(['Alice Martin']), { timeout: 2_000 })

    const reply = `We are on it ${randomUUID()}`
    expectStatus(await alice.postMessage(conversationId, { id: randomUUID(), kind: 'reply', body: reply, basedOnSeq: 0, force: true }), 201)
    const note = `internal ${randomUUID()}`
    expectStatus(await alice.postMessage(conversationId, { id: randomUUID(), kind: 'note', body: note, basedOnSeq: 0 }), 201)
    await eventually(() => expect(live.messages().map((m) => m.body)).toContain(reply), { timeout: 2_000 })
    expect(live.frames.some((f) => f.includes(note))).toBe(false)
  })

  it('blocking the visitor on A closes their socket on B', async () => {
    const visitor = await TestVisitor.start(b, { name: 'Mal' })
    const body = `spam ${randomUUID()}`
    await visitor.send(body)
    const conversationId = await conversationOf(body)
    const { conversation } = await alice.conversation(conversationId)
    const live = await visitor.live(visitors)
    expectStatus(await alice.request(`/api/contacts/${conversation.contactId}/block-visitor`, { method: 'POST' }), 200)
    const closed = await Promise.race([live.closed, new Promise((resolve) => setTimeout(resolve, 5_000, { code: 'still open after 5 s' }))])
    expect(closed).toMatchObject({ code: 4401 })
  })
})
