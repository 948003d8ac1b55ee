import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Activity } from '../../shared/presence.ts'
import { eventually } from '../support/eventually.ts'
import { type AgentClient, TestServer, expectStatus } from '../support/server.ts'
import { TestVisitor, VisitorSockets, tampered } from '../support/widget-visitor.ts'
import { type RoomClient, SocketPool, closeOf, upgradeAnswer } from '../support/ws-client.ts'

// The widget's live socket: a visitor sees agents' replies as they are sent and "typing" while an agent
// writes a reply. Notes, and the writing of notes, never reach it (DESIGN §4 rule 7).
describe('website widget live socket', () => {
  let server: TestServer
  let alice: AgentClient
  let bob: AgentClient
  const sockets = new SocketPool()
  const visitors = new VisitorSockets()

  beforeAll(async () => {
    server = await TestServer.start()
    ;[alice, bob] = await Promise.all([server.clientFor(server.acme.alice), server.clientFor(server.acme.bob)])
  })
  afterEach(() => {
    sockets.closeAll()
    visitors.closeAll()
  })
  afterAll(() => server.close())

  const post = (agent: AgentClient, conversationId: string, kind: 'reply' | 'note', body: string) =>
    agent.postMessage(conversationId, { id: randomUUID(), kind, body, basedOnSeq: 0, force: kind === 'reply' ? true : undefined })
  const setActivity = (room: RoomClient, agent: AgentClient, activity: Activity) =>
    room.provider.awareness.setLocalState({ user: { id: agent.agent.id, name: agent.agent.name, color: '#000' }, activity })

  it('takes the token as the first frame, never from the URL: a socket without a genuine one is closed with 4401', async () => {
    const visitor = await TestVisitor.start(server)
    // The upgrade itself is open to any site; the URL carries nothing.
    expect((await upgradeAnswer(visitor.liveUrl, { origin: 'https://any-shop.example' })).status).toBe(101)
    for (const token of [tampered(visitor.token), 'not-a-token']) {
      const socket = visitors.raw(visitor.liveUrl)
      const closed = closeOf(socket)
      socket.once('open', () => socket.send(JSON.stringify({ type: 'auth', token })))
      expect((await closed).code).toBe(4401)
    }
    // A token in the query string is not looked at: the socket must still authenticate.
    const byQuery = visitors.raw(`${visitor.liveUrl}?token=${encodeURIComponent(visitor.token)}`)
    const queryClosed = closeOf(byQuery)
    byQuery.once('open', () => byQuery.send(JSON.stringify({ type: 'hello' })))
    expect((await queryClosed).code).toBe(4400)
    // A genuine token in the first frame: ready.
    await expect(visitor.live(visitors)).resolves.toBeDefined()
  })

  it('closes a socket that sends no token within 5 s with 4401', async () => {
    const visitor = await TestVisitor.start(server)
    const socket = visitors.raw(visitor.liveUrl)
    const opened = Date.now()
    const closed = await closeOf(socket)
    expect(closed.code).toBe(4401)
    expect(Date.now() - opened).toBeGreaterThanOrEqual(4_000)
  }, 15_000)

  it("pushes an agent's reply, never a note; a new conversation's messages too", async () => {
    const visitor = await TestVisitor.start(server, { name: 'Lena' })
    // Opened before the visitor's first message: the conversation does not exist yet.
    const live = await visitor.live(visitors)
    const { conversationId } = await visitor.send('Is the blue teapot in stock?')
    await eventually(() => expect(live.messages().map((m) => m.body)).toEqual(['Is the blue teapot in stock?']))

    expectStatus(await post(alice, conversationId, 'note', 'NOTE: supplier is late, check Friday'), 201)
    expectStatus(await post(alice, conversationId, 'reply', 'Yes, two left!'), 201)
    await eventually(() => expect(live.messages().map((m) => m.body)).toContain('Yes, two left!'))
    expect(live.messages().map((m) => [m.kind, m.body, m.author])).toEqual([
      ['incoming', 'Is the blue teapot in stock?', null],
      ['reply', 'Yes, two left!', 'Alice Martin'],
    ])
    expect(live.frames.join('\n')).not.toContain('NOTE')
  })

  it("another visitor's socket gets nothing of this conversation", async () => {
    const owner = await TestVisitor.start(server)
    const { conversationId } = await owner.send('Mine')
    const stranger = await TestVisitor.start(server)
    await stranger.send('Theirs')
    const ownerLive = await owner.live(visitors)
    const strangerLive = await stranger.live(visitors)
    const room = await sockets.room(server, conversationId, { token: alice.token })
    setActivity(room, alice, 'replying')
    expectStatus(await post(alice, conversationId, 'reply', 'For the owner only'), 201)
    await eventually(() => expect(ownerLive.messages().map((m) => m.body)).toContain('For the owner only'))
    await eventually(() => expect(ownerLive.typing()).toContainEqual(['Alice Martin']))
    expect(strangerLive.pushes()).toEqual([])
  })

  it('says "typing" while an agent writes a reply, and not while they write a note', async () => {
    const visitor = await TestVisitor.start(server)
    const { conversationId } = await visitor.send('Hello?')
    const live = await visitor.live(visitors)
    // The agents' list sees presence through the feed socket: a witness that the server has processed
    // each awareness change before the test looks at what the visitor got.
    const feed = await sockets.feed(server, { token: bob.token })
    const seen = (agent: AgentClient, activity: Activity) =>
      eventually(() =>
        expect(
          feed.presence
            .flatMap((p) => p.conversations)
            .filter((c) => c.conversationId === conversationId)
            .at(-1)?.agents,
        ).toContainEqual({ id: agent.agent.id, activity }),
      )

    const aliceRoom = await sockets.room(server, conversationId, { token: alice.token })
    setActivity(aliceRoom, alice, 'viewing')
    await seen(alice, 'viewing')
    setActivity(aliceRoom, alice, 'replying')
    await eventually(() => expect(live.typing()).toEqual([['Alice Martin']]))
    setActivity(aliceRoom, alice, 'viewing')
    await eventually(() => expect(live.typing()).toEqual([['Alice Martin'], []]))

    // Alice writes a note: nothing for the visitor.
    setActivity(aliceRoom, alice, 'noting')
    await seen(alice, 'noting')
    // Bob then writes a reply: the push names Bob alone (had Alice's note counted, she would be in it,
    // or a push of her own would come first).
    const bobRoom = await sockets.room(server, conversationId, { token: bob.token })
    setActivity(bobRoom, bob, 'replying')
    await eventually(() => expect(live.typing()).toHaveLength(3))
    expect(live.typing()).toEqual([['Alice Martin'], [], ['Bob Keller']])

    // Bob leaves (his tab closes): nobody types.
    bobRoom.destroy()
    await eventually(() => expect(live.typing().at(-1)).toEqual([]))
  })

  it('a socket opened while an agent is already replying is told at once', async () => {
    const visitor = await TestVisitor.start(server)
    const { conversationId } = await visitor.send('Anyone?')
    const room = await sockets.room(server, conversationId, { token: alice.token })
    setActivity(room, alice, 'replying')
    await eventually(() => expect(server.ctx.docs.isLoaded(conversationId)).toBe(true))
    await eventually(async () => {
      const live = await visitor.live(visitors)
      await eventually(() => expect(live.typing()).toEqual([['Alice Martin']]), { timeout: 1_000 })
    })
  })

  it('the widget socket takes no messages', async () => {
    const visitor = await TestVisitor.start(server)
    const live = await visitor.live(visitors)
    live.socket.send('hello')
    expect((await live.closed).code).toBe(4400)
  })
})
