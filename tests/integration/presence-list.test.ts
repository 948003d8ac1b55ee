import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { PresenceState } from '../../shared/presence.ts'
import { eventually } from '../support/eventually.ts'
import { type AgentClient, TestServer } from '../support/server.ts'
import { SocketPool } from '../support/ws-client.ts'

// The inbox list marks conversations someone else is in: rooms' presence is summarised per
// conversation and pushed on the feed socket (a snapshot first, then changes).
describe('presence for the list', () => {
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

  const presenceOf = (state: Omit<PresenceState, 'user'>, agent: { id: string; name: string }) => ({
    ...state,
    user: { id: agent.id, name: agent.name, color: '#000' },
  })

  it('pushes who views and who replies, and that they left', async () => {
    const { conversationId } = await server.customerWrites({ email: 'pres@customer.test' }, 'Hi')
    const feed = await sockets.feed(server, { token: alice.token })
    await eventually(() => expect(feed.presence[0]?.snapshot).toBe(true))

    const room = await sockets.room(server, conversationId, { token: bob.token })
    room.provider.awareness.setLocalState(presenceOf({ activity: 'viewing' }, bob.agent))
    const latest = () => feed.presence.flatMap((p) => p.conversations).filter((c) => c.conversationId === conversationId).at(-1)
    await eventually(() => expect(latest()?.agents).toEqual([{ id: bob.agent.id, activity: 'viewing' }]))

    room.provider.awareness.setLocalState(presenceOf({ activity: 'replying' }, bob.agent))
    await eventually(() => expect(latest()?.agents).toEqual([{ id: bob.agent.id, activity: 'replying' }]))

    room.destroy()
    await eventually(() => expect(latest()?.agents).toEqual([]))
  })

  it('a feed socket opened later gets the current picture in its snapshot', async () => {
    const { conversationId } = await server.customerWrites({ email: 'pres2@customer.test' }, 'Hi')
    const room = await sockets.room(server, conversationId, { token: bob.token })
    room.provider.awareness.setLocalState(presenceOf({ activity: 'noting' }, bob.agent))
    await eventually(async () => {
      const feed = await sockets.feed(server, { token: alice.token })
      await eventually(() => expect(feed.presence.length).toBeGreaterThan(0))
      expect(feed.presence[0]?.conversations).toContainEqual({ conversationId, agents: [{ id: bob.agent.id, activity: 'noting' }] })
    })
  })

  it("a socket cannot speak for another agent: such presence is dropped; a malformed one closes the socket", async () => {
    const { conversationId } = await server.customerWrites({ email: 'pres3@customer.test' }, 'Hi')
    const feed = await sockets.feed(server, { token: alice.token })
    const room = await sockets.room(server, conversationId, { token: bob.token })
    room.provider.awareness.setLocalState(presenceOf({ activity: 'replying' }, alice.agent))
    const watcher = await sockets.room(server, conversationId, { token: alice.token })
    // The watcher joined after the spoof; it is told of nobody real.
    await eventually(() => expect(watcher.provider.synced).toBe(true))
    const others = [...watcher.provider.awareness.getStates().entries()].filter(
      ([id, s]) => id !== watcher.doc.clientID && Object.keys(s).length > 0,
    )
    expect(others).toEqual([])
    expect(feed.presence.flatMap((p) => p.conversations).filter((c) => c.conversationId === conversationId && c.agents.length > 0)).toEqual([])

    const closed = new Promise<number>((resolve) => room.provider.on('connection-close', (event: { code: number } | null) => resolve(event?.code ?? 0)))
    room.provider.awareness.setLocalState({ user: 'nobody', activity: 42 })
    expect(await closed).toBe(4400)
  })
})
