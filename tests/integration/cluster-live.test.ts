import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { PresenceState } from '../../shared/presence.ts'
import { readField, readLabels, writeField, addLabel } from '../../shared/conversation-doc.ts'
import { SESSION_ENDED_CLOSE_CODE } from '../../shared/schemas/admin.ts'
import type { Relay } from '../../server/cluster/relay.ts'
import { eventually } from '../support/eventually.ts'
import { type AgentClient, TestServer, expectStatus, PASSWORD } from '../support/server.ts'
import { testRedisUrl, uniquePrefix } from '../support/redis.ts'
import { SocketPool } from '../support/ws-client.ts'

/** A server on a fresh database and a second process on it start here: slow on a busy machine (PostgreSQL). */
const STARTS_MS = 120_000

// Issue 11: two server processes on one database and one Redis form one service. An agent connected
// to process A and another connected to process B see each other's work live: room edits, replies,
// presence; ending a session on A closes its sockets on B; and a relay message that never arrives is
// made up for from the database (DESIGN §6: Redis is fan-out only).

describe('two processes, one service', () => {
  let a: TestServer
  let b: TestServer
  let alice: AgentClient
  let bob: AgentClient
  const sockets = new SocketPool()

  beforeAll(async () => {
    const url = await testRedisUrl()
    a = await TestServer.start({ env: { REDIS_URL: url, REDIS_PREFIX: uniquePrefix('live') } })
    b = await a.peer()
    alice = await a.clientFor(a.acme.alice)
    bob = await b.clientFor(b.acme.bob)
  }, STARTS_MS)
  afterEach(() => sockets.closeAll())
  afterAll(async () => {
    await b?.close()
    await a?.close()
  })

  const at = () => Date.now()
  const presence = (activity: PresenceState['activity'], agent: { id: string; name: string }): PresenceState => ({
    activity,
    user: { id: agent.id, name: agent.name, color: '#000' },
  })

  it('a status, an assignment and labels set on A reach a client of B live, and the row on both', async () => {
    const { conversationId } = await a.customerWrites({ email: 'cl1@customer.test' }, 'My invoice is wrong')
    const seen = (await alice.conversation(conversationId)).conversation.lastMessageSeq
    const onA = await sockets.room(a, conversationId, { token: alice.token })
    const onB = await sockets.room(b, conversationId, { token: bob.token })

    writeField(onA.doc, 'status', { value: 'pending', snoozedUntil: null, seenSeq: seen }, { by: alice.agent.id, at: at(), writeId: 'c1' })
    writeField(onA.doc, 'assignee', { value: bob.agent.id }, { by: alice.agent.id, at: at(), writeId: 'c2' })
    addLabel(onA.doc, 'billing', { by: alice.agent.id, at: at() })

    await eventually(() => {
      expect(readField(onB.doc, 'status')?.value).toBe('pending')
      expect(readField(onB.doc, 'assignee')?.value).toBe(bob.agent.id)
      expect(readLabels(onB.doc)).toEqual(['billing'])
    }, { timeout: 2_000 })
    // Bob's own edit on B reaches Alice on A the same way.
    addLabel(onB.doc, 'vip', { by: bob.agent.id, at: at() })
    await eventually(() => expect(readLabels(onA.doc)).toEqual(['billing', 'vip']), { timeout: 2_000 })
    await eventually(async () => {
      expect((await bob.conversation(conversationId)).conversation).toMatchObject({ status: 'pending', assigneeId: bob.agent.id, labels: ['billing', 'vip'] })
    })
  })

  it("a reply and a PATCH made on A are pushed to B's feed socket and room", async () => {
    const { conversationId } = await a.customerWrites({ email: 'cl2@customer.test' }, 'Where is my parcel?')
    const feed = await sockets.feed(b, { token: bob.token })
    const onB = await sockets.room(b, conversationId, { token: bob.token })
    const seen = (await alice.conversation(conversationId)).conversation.lastMessageSeq

    const body = `On its way ${randomUUID()}`
    expectStatus(await alice.postMessage(conversationId, { id: randomUUID(), kind: 'reply', body, basedOnSeq: seen }), 201)
    await eventually(() => expect(feed.entries().some((e) => e.kind === 'message' && JSON.stringify(e).includes(body))).toBe(true), { timeout: 2_000 })

    await alice.patch(conversationId, { priority: 'urgent' })
    await eventually(() => expect(readField(onB.doc, 'priority')?.value).toBe('urgent'), { timeout: 2_000 })
    await eventually(() =>
      expect(feed.entries().some((e) => e.kind === 'conversation' && JSON.stringify(e).includes('"urgent"'))).toBe(true),
    )
  })

  it("presence in a room on A is seen by B's room and B's list, and its end too", async () => {
    const { conversationId } = await a.customerWrites({ email: 'cl3@customer.test' }, 'Hi')
    const feed = await sockets.feed(b, { token: bob.token })
    const onB = await sockets.room(b, conversationId, { token: bob.token })
    const onA = await sockets.room(a, conversationId, { token: alice.token })
    onA.provider.awareness.setLocalState(presence('replying', alice.agent))

    const latest = () => feed.presence.flatMap((p) => p.conversations).filter((c) => c.conversationId === conversationId).at(-1)
    await eventually(() => expect(latest()?.agents).toEqual([{ id: alice.agent.id, activity: 'replying' }]), { timeout: 2_000 })
    const aliceIn = (states: Map<number, Record<string, unknown>>) =>
      [...states.values()].some((s) => (s as Partial<PresenceState>).user?.id === alice.agent.id)
    await eventually(() => expect(aliceIn(onB.provider.awareness.getStates())).toBe(true), { timeout: 2_000 })

    onA.destroy()
    await eventually(() => expect(latest()?.agents).toEqual([]), { timeout: 2_000 })
    await eventually(() => expect(aliceIn(onB.provider.awareness.getStates())).toBe(false), { timeout: 2_000 })
  })

  it('a feed socket opened on B learns who is in a room open only on A', async () => {
    const { conversationId } = await a.customerWrites({ email: 'cl4@customer.test' }, 'Hi')
    const onA = await sockets.room(a, conversationId, { token: alice.token })
    onA.provider.awareness.setLocalState(presence('noting', alice.agent))
    await eventually(() => expect(a.ctx.docs.isLoaded(conversationId)).toBe(true))
    expect(b.ctx.docs.isLoaded(conversationId)).toBe(false)

    const feed = await sockets.feed(b, { token: bob.token })
    await eventually(() => {
      const seenThere = feed.presence.flatMap((p) => p.conversations).filter((c) => c.conversationId === conversationId)
      expect(seenThere.at(-1)?.agents).toEqual([{ id: alice.agent.id, activity: 'noting' }])
    }, { timeout: 2_000 })
  })

  it('signing out on A closes the sockets that session opened on B', async () => {
    const { token } = expectStatus(
      await b.request<{ token: string }>('/api/auth/tokens', { json: { email: b.acme.bob.email, password: PASSWORD, label: 'cluster' } }),
      201,
    )
    const feed = await sockets.feed(b, { token })
    const other = await sockets.feed(b, { token: bob.token })
    expect((await a.request('/api/auth/sign-out', { method: 'POST', token })).status).toBe(200)
    const closed = await Promise.race([feed.closed, new Promise((resolve) => setTimeout(resolve, 5_000, { code: 'still open after 5 s' }))])
    expect(closed).toMatchObject({ code: SESSION_ENDED_CLOSE_CODE })
    expect(other.socket.readyState).toBe(other.socket.OPEN)
  })

  it('a relay message lost on the way: B catches up from the database', async () => {
    const { conversationId } = await a.customerWrites({ email: 'cl5@customer.test' }, 'Hello?')
    const onA = await sockets.room(a, conversationId, { token: alice.token })
    const onB = await sockets.room(b, conversationId, { token: bob.token })
    const restore = dropRoomMessages(a.ctx.cluster.relay)
    try {
      addLabel(onA.doc, 'lost-in-transit', { by: alice.agent.id, at: at() })
      // Nothing of the room reaches Redis from A: B can only have it from the database (its check
      // every few seconds).
      await eventually(() => expect(readLabels(onB.doc)).toEqual(['lost-in-transit']), { timeout: 8_000 })
    } finally {
      restore()
    }
  })
})

/** Makes the relay drop every room message it publishes (updates and awareness) until restored. */
function dropRoomMessages(relay: Relay): () => void {
  const publish = relay.publish.bind(relay)
  relay.publish = (channel, body) => {
    if (!channel.startsWith('room:')) publish(channel, body)
  }
  return () => {
    relay.publish = publish
  }
}
