import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { PresenceState } from '../../shared/presence.ts'
import { addLabel, readField, readLabels, writeField } from '../../shared/conversation-doc.ts'
import { eventually } from '../support/eventually.ts'
import { type AgentClient, TestServer } from '../support/server.ts'
import { SocketPool } from '../support/ws-client.ts'

// Two agents' devices in one conversation room (DESIGN §3): each sees the other's edits live, edits
// to different fields both stand (DESIGN §4 rule 1), and the server projects the result to SQL.

describe('two y-websocket clients in one room', () => {
  let server: TestServer
  let alice: AgentClient
  let bob: AgentClient
  const sockets = new SocketPool()

  beforeAll(async () => {
    server = await TestServer.start()
    ;[alice, bob] = await Promise.all([server.clientFor(server.acme.alice), server.clientFor(server.acme.bob)])
  })
  afterEach(() => sockets.closeAll())
  afterAll(() => server.close())

  const at = () => Date.now()

  it('converge: one writes status and assignee, the other sees them, and the SQL projection follows', async () => {
    const { conversationId } = await server.customerWrites({ email: 'carla@customer.test' }, 'My invoice is wrong')
    const seen = (await alice.conversation(conversationId)).conversation.lastMessageSeq
    const a = await sockets.room(server, conversationId, { token: alice.token })
    const b = await sockets.room(server, conversationId, { token: bob.token })

    writeField(a.doc, 'status', { value: 'pending', snoozedUntil: null, seenSeq: seen }, { by: alice.agent.id, at: at(), writeId: 'w-a-1' })
    writeField(a.doc, 'assignee', { value: bob.agent.id }, { by: alice.agent.id, at: at(), writeId: 'w-a-2' })

    await eventually(() => {
      expect(readField(b.doc, 'status')?.value).toBe('pending')
      expect(readField(b.doc, 'assignee')?.value).toBe(bob.agent.id)
    })
    await eventually(async () => {
      const row = (await bob.conversation(conversationId)).conversation
      expect(row).toMatchObject({ status: 'pending', assigneeId: bob.agent.id, statusBy: alice.agent.id, statusSeenSeq: seen })
    })
  })

  it('concurrent edits to different fields both stand, on both clients and on the server', async () => {
    const { conversationId } = await server.customerWrites({ email: 'dan@customer.test' }, 'Where is my parcel?')
    const seen = (await alice.conversation(conversationId)).conversation.lastMessageSeq
    const a = await sockets.room(server, conversationId, { token: alice.token })
    const b = await sockets.room(server, conversationId, { token: bob.token })

    // Both edit while cut off from the server, then reconnect: a true concurrent edit.
    a.provider.disconnect()
    b.provider.disconnect()
    writeField(a.doc, 'status', { value: 'pending', snoozedUntil: null, seenSeq: seen }, { by: alice.agent.id, at: at(), writeId: 'w-a' })
    writeField(b.doc, 'assignee', { value: bob.agent.id }, { by: bob.agent.id, at: at(), writeId: 'w-b' })
    writeField(b.doc, 'team', { value: server.acme.team.id }, { by: bob.agent.id, at: at(), writeId: 'w-b2' })
    addLabel(a.doc, 'billing', { by: alice.agent.id, at: at() })
    addLabel(b.doc, 'urgent-ish', { by: bob.agent.id, at: at() })
    a.provider.connect()
    b.provider.connect()

    for (const client of [a, b]) {
      await eventually(() => {
        expect(readField(client.doc, 'status')?.value).toBe('pending')
        expect(readField(client.doc, 'assignee')?.value).toBe(bob.agent.id)
        expect(readField(client.doc, 'team')?.value).toBe(server.acme.team.id)
        expect(readLabels(client.doc)).toEqual(['billing', 'urgent-ish'])
      })
    }
    await eventually(async () => {
      const row = (await alice.conversation(conversationId)).conversation
      expect(row).toMatchObject({ status: 'pending', assigneeId: bob.agent.id, teamId: server.acme.team.id, labels: ['billing', 'urgent-ish'] })
    })
  })

  it('concurrent writes to the same field resolve to the same value everywhere', async () => {
    const { conversationId } = await server.customerWrites({ email: 'erin@customer.test' }, 'Cancel my plan')
    const a = await sockets.room(server, conversationId, { token: alice.token })
    const b = await sockets.room(server, conversationId, { token: bob.token })
    a.provider.disconnect()
    b.provider.disconnect()
    writeField(a.doc, 'assignee', { value: alice.agent.id }, { by: alice.agent.id, at: at(), writeId: 'mine-a' })
    writeField(b.doc, 'assignee', { value: bob.agent.id }, { by: bob.agent.id, at: at(), writeId: 'mine-b' })
    a.provider.connect()
    b.provider.connect()

    const winner = await eventually(() => {
      const onA = readField(a.doc, 'assignee')?.writeId
      expect(onA).toBeDefined()
      expect(readField(b.doc, 'assignee')?.writeId).toBe(onA)
      return readField(a.doc, 'assignee')!.value
    })
    expect([alice.agent.id, bob.agent.id]).toContain(winner)
    await eventually(async () => expect((await bob.conversation(conversationId)).conversation.assigneeId).toBe(winner))
  })

  it('presence: each sees who else is in the room and typing; a client that leaves disappears', async () => {
    const { conversationId } = await server.customerWrites({ email: 'gil@customer.test' }, 'Anyone there?')
    const a = await sockets.room(server, conversationId, { token: alice.token })
    const b = await sockets.room(server, conversationId, { token: bob.token })
    // The server stamps each agent's real name and colour, whatever the client claimed.
    a.provider.awareness.setLocalState({ user: { id: alice.agent.id, name: 'whoever', color: 'x' }, activity: 'replying' })
    b.provider.awareness.setLocalState({ user: { id: bob.agent.id, name: 'Bob Keller', color: 'x' }, activity: 'viewing' })
    const others = (client: typeof a) =>
      [...client.provider.awareness.getStates().entries()]
        .filter(([id, state]) => id !== client.doc.clientID && Object.keys(state).length > 0)
        .map(([, state]) => ({ id: (state as PresenceState).user.id, name: (state as PresenceState).user.name, activity: (state as PresenceState).activity }))

    await eventually(() => {
      expect(others(b)).toEqual([{ id: alice.agent.id, name: 'Alice Martin', activity: 'replying' }])
      expect(others(a)).toEqual([{ id: bob.agent.id, name: 'Bob Keller', activity: 'viewing' }])
    })
    // A third device joining late is told who is already there.
    const c = await sockets.room(server, conversationId, { token: alice.token })
    await eventually(() => expect(others(c)).toHaveLength(2))

    a.destroy()
    // (The third device never set a state of its own, so it shows to nobody.)
    await eventually(() => {
      expect(others(b)).toEqual([])
      expect(others(c)).toEqual([{ id: bob.agent.id, name: 'Bob Keller', activity: 'viewing' }])
    })
    // Presence is never persisted: the doc holds nothing of it.
    expect((await bob.conversation(conversationId)).conversation.priority).toBe('none')
  })

  it("a third socket on the feed receives the conversation's new state live", async () => {
    const { conversationId } = await server.customerWrites({ email: 'fay@customer.test' }, 'Hello?')
    const seen = (await alice.conversation(conversationId)).conversation.lastMessageSeq
    const feed = await sockets.feed(server, { token: bob.token })
    const a = await sockets.room(server, conversationId, { token: alice.token })

    writeField(a.doc, 'priority', { value: 'high' }, { by: alice.agent.id, at: at(), writeId: 'p-1' })
    writeField(a.doc, 'status', { value: 'pending', snoozedUntil: null, seenSeq: seen }, { by: alice.agent.id, at: at(), writeId: 's-1' })

    await eventually(() => {
      const rows = feed.entries().flatMap((e) => (e.kind === 'conversation' && e.conversation.id === conversationId ? [e] : []))
      expect(rows.at(-1)?.conversation).toMatchObject({ priority: 'high', status: 'pending' })
      // The entry carries the doc's state, so a device that only reads the feed gets the edit too.
      expect(rows.at(-1)?.state.length).toBeGreaterThan(0)
    })
  })
})
