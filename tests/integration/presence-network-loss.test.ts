import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { docName } from '../../shared/conversation-doc.ts'
import type { PresenceState } from '../../shared/presence.ts'
import { eventually } from '../support/eventually.ts'
import { type AgentClient, TestServer } from '../support/server.ts'
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts'
import { SocketPool, webSocketClassFor } from '../support/ws-client.ts'

// Presence goes away within 30 seconds of an agent losing the network without a goodbye (no TCP
// close reaches the server), and comes back by itself when the network does.
describe('presence when an agent silently loses the network', () => {
  let server: TestServer
  let proxy: TcpProxy
  let alice: AgentClient
  let bob: AgentClient
  const sockets = new SocketPool()
  const cleanups: (() => void)[] = []

  beforeAll(async () => {
    server = await TestServer.start()
    ;[alice, bob] = await Promise.all([server.clientFor(server.acme.alice), server.clientFor(server.acme.bob)])
    const target = new URL(server.url)
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) })
  })
  afterEach(() => {
    sockets.closeAll()
    for (const c of cleanups.splice(0)) c()
  })
  afterAll(async () => {
    await proxy.close()
    await server.close()
  })

  it('disappears within 30 s of the network going silent, and returns after it comes back', async () => {
    const { conversationId } = await server.customerWrites({ email: 'silent@customer.test' }, 'Hello')
    const doc = new Y.Doc()
    const bobRoom = new WebsocketProvider(`ws://127.0.0.1:${proxy.port}/sync`, docName(conversationId), doc, {
      WebSocketPolyfill: webSocketClassFor({ token: bob.token }) as unknown as typeof globalThis.WebSocket,
      disableBc: true,
      maxBackoffTime: 500,
    })
    cleanups.push(() => {
      bobRoom.destroy()
      doc.destroy()
    })
    const bobState: PresenceState = { user: { id: bob.agent.id, name: 'Bob Keller', color: '#000' }, activity: 'replying' }
    bobRoom.awareness.setLocalState(bobState)
    const watcher = await sockets.room(server, conversationId, { token: alice.token })
    const bobSeen = () =>
      [...watcher.provider.awareness.getStates().values()].some((s) => (s as Partial<PresenceState>).user?.id === bob.agent.id)
    await eventually(() => expect(bobSeen()).toBe(true))

    proxy.freeze()
    const frozenAt = Date.now()
    await eventually(() => expect(bobSeen()).toBe(false), { timeout: 40_000, interval: 250 })
    expect(Date.now() - frozenAt).toBeLessThanOrEqual(34_000)

    proxy.restore()
    // Bob's client notices the dead socket (no message for 30 s), reconnects and announces itself again.
    await eventually(() => expect(bobSeen()).toBe(true), { timeout: 40_000, interval: 250 })
  }, 90_000)
})
