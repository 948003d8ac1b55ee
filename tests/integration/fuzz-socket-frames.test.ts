import { randomUUID } from 'node:crypto'
import fc from 'fast-check'
import type WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readField } from '../../shared/conversation-doc.ts'
import { decodeBytes } from '../../shared/base64.ts'
import type { DocsSyncResult } from '../../shared/schemas/api.ts'
import { ConversationRow } from '../../shared/schemas/conversation.ts'
import { eventually } from '../support/eventually.ts'
import { type AgentClient, TestServer } from '../support/server.ts'
import { type FuzzFrame, showFrame, syncFrames, widgetFrames } from '../support/sync-frames.ts'
import { TestVisitor, VisitorSockets, tampered, type LiveVisitorSocket } from '../support/widget-visitor.ts'
import { type CloseInfo, type RawClient, type RoomClient, SocketPool, closeOf, roomUrl, sendAndProbe } from '../support/ws-client.ts'

// Property-based fuzzing of the two sockets anyone can reach with a credential: a conversation's sync
// room (an agent's token) and the widget's live socket (anyone on the internet). Frames are generated
// by fast-check from the protocols' own shapes (tests/support/sync-frames.ts), on fixed seeds so that
// a failure replays. Properties: the server never crashes (health answers after); a frame is either
// read harmlessly or the socket is closed with a 44xx code (or ws's own 1002/1007/1009 for broken
// framing); a rejected frame changes nothing of the conversation; every other client carries on.
// Loopback only, bounded by RUNS.

const RUNS = Number(process.env.FUZZ_RUNS ?? 150)
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_203)
/** Close codes a refused frame may get: ours (protocol error, doc too large) and ws's framing ones. */
const ROOM_REFUSALS = [4400, 4413, 1002, 1007, 1009]

describe('fuzzed socket frames', () => {
  let server: TestServer
  let alice: AgentClient
  let conversationId: string
  const sockets = new SocketPool()
  const bystanders = new SocketPool()
  const visitors = new VisitorSockets()

  beforeAll(async () => {
    server = await TestServer.start()
    alice = await server.clientFor(server.acme.alice)
    ;({ conversationId } = await server.customerWrites({ email: 'frames@customer.test' }, 'Fuzz my room'))
    await alice.patch(conversationId, { priority: 'high', addLabels: ['fragile'] })
  })
  afterAll(async () => {
    sockets.closeAll()
    bystanders.closeAll()
    visitors.closeAll()
    await server.close()
  })

  /** What a rejected frame must leave alone: the conversation as the API shows it, and the server's
   *  whole doc, as bytes. */
  async function conversationState(id: string): Promise<unknown> {
    const view = await alice.request<{ conversation: unknown }>(`/api/conversations/${id}`)
    expect(view.status, view.text).toBe(200)
    // Whatever a client wrote into the doc, the projected row is still a valid row (a garbage status
    // written by an accepted update is ignored by the projection, never copied into the columns).
    expect(ConversationRow.safeParse(view.body.conversation).error).toBeUndefined()
    const docs = await alice.request<DocsSyncResult>('/api/docs/sync', { json: { docs: [{ id }] } })
    expect(docs.status, docs.text).toBe(200)
    return { view: view.body, doc: [...decodeBytes(docs.body.docs[0]!.update)] }
  }

  /** An accepted frame can set off work that lands later (a projection, a rule's correction): wait
   *  until two readings agree before the next frame is judged against them. */
  async function settled(id: string): Promise<unknown> {
    let previous = JSON.stringify(await conversationState(id))
    return eventually(
      async () => {
        const now = await conversationState(id)
        const same = JSON.stringify(now) === previous
        previous = JSON.stringify(now)
        expect(same).toBe(true)
        return now
      },
      { timeout: 5_000, interval: 25 },
    )
  }

  async function expectHealthy(): Promise<void> {
    const health = await server.request('/api/health')
    expect(health.status).toBe(200)
  }

  it(`the sync room: ${RUNS} generated frames are each read harmlessly or refused with a close code, and a refused one changes nothing`, async () => {
    const bystander: RoomClient = await bystanders.room(server, conversationId, { token: await server.tokenFor(server.acme.bob) })
    let bystanderCloses = 0
    bystander.provider.on('connection-close', () => (bystanderCloses += 1))
    const connect = () => sockets.raw(roomUrl(server, conversationId), { token: alice.token })
    let client: RawClient = await connect()
    let refused = 0
    let sent = 0
    let state = await settled(conversationId)

    await fc.assert(
      fc.asyncProperty(syncFrames, async (frame: FuzzFrame) => {
        sent += 1
        const outcome = await sendAndProbe(client, frame.data)
        const label = showFrame(frame)
        if ('closed' in outcome) {
          refused += 1
          expect(ROOM_REFUSALS, `close ${outcome.closed.code} ${outcome.closed.reason} for ${label}`).toContain(outcome.closed.code)
          expect(await conversationState(conversationId), `state changed by refused ${label}`).toEqual(state)
          client = await connect()
        } else {
          // Accepted: the conversation still reads (a 500 here means a frame poisoned the doc).
          state = await settled(conversationId)
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    )

    expect(sent).toBe(RUNS)
    // Both kinds happened (a fuzzer that only ever met one branch would prove half as much).
    expect(refused).toBeGreaterThan(RUNS / 10)
    expect(refused).toBeLessThan(RUNS)
    await expectHealthy()
    // The room's other client never noticed, and still gets a real edit.
    expect(bystanderCloses).toBe(0)
    expect(bystander.provider.wsconnected).toBe(true)
    await alice.patch(conversationId, { priority: 'low' })
    await eventually(() => expect(readField(bystander.doc, 'priority')?.value).toBe('low'))
  }, 90_000)

  it(`the widget's live socket: ${RUNS} generated frames, before and after authentication, each end in ready or a 44xx close, and change nothing`, async () => {
    const visitor = await TestVisitor.start(server, { name: 'Frame Fuzzer' })
    const { conversationId: chat } = await visitor.send('I will send odd frames')
    const other = await TestVisitor.start(server)
    const bystander: LiveVisitorSocket = await visitor.live(visitors)
    const tokens = [visitor.token, tampered(visitor.token), other.token, 'not-a-token']
    const before = await settled(chat)
    const outcomes = new Map<string, number>()

    await fc.assert(
      fc.asyncProperty(widgetFrames(tokens), fc.boolean(), async (frame: FuzzFrame, authenticateFirst: boolean) => {
        // A visitor may hold 10 live sockets: the server may not have seen the last one close yet.
        const socket = authenticateFirst
          ? (await eventually(() => visitor.live(visitors))).socket
          : await openRaw(visitors.raw(visitor.liveUrl))
        const outcome = await widgetOutcome(socket, frame)
        socket.terminate()
        const label = `${authenticateFirst ? 'after auth' : 'first frame'} ${showFrame(frame)}`
        const key = 'closed' in outcome ? String(outcome.closed.code) : 'ready'
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1)
        if ('closed' in outcome) expect(outcome.closed.code, `${outcome.closed.reason} for ${label}`).toBeGreaterThanOrEqual(4400)
        if ('closed' in outcome) expect(outcome.closed.code, label).toBeLessThan(4500)
        // Only a real token, as the first frame, may open the socket.
        else expect(!authenticateFirst && frame.label.startsWith('auth') && typeof frame.data === 'string', label).toBe(true)
      }),
      { numRuns: RUNS, seed: SEED + 1, endOnFailure: true },
    )

    expect([...outcomes.values()].reduce((a, b) => a + b)).toBe(RUNS)
    expect(outcomes.get('4400')).toBeGreaterThan(0)
    expect(outcomes.get('4401')).toBeGreaterThan(0)
    await expectHealthy()
    expect(await conversationState(chat)).toEqual(before)
    // The visitor's own socket, open all along, still gets the agent's reply.
    expect(bystander.socket.readyState).toBe(bystander.socket.OPEN)
    const reply = await alice.postMessage(chat, { id: randomUUID(), kind: 'reply', body: 'Still here', basedOnSeq: 1e9 })
    expect(reply.status).toBe(201)
    await eventually(() => expect(bystander.messages().map((m) => m.body)).toContain('Still here'))
  }, 90_000)
})

function openRaw(socket: WebSocket): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket))
    socket.once('error', reject)
  })
}

/** Sends the frame; the widget socket answers every frame by a close, except a valid first `auth`,
 *  which it answers `ready`. */
function widgetOutcome(socket: WebSocket, frame: FuzzFrame): Promise<{ closed: CloseInfo } | { ready: true }> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer) => {
      if (data.toString('utf8') === JSON.stringify({ type: 'ready' })) resolve({ ready: true })
    }
    socket.on('message', onMessage)
    void closeOf(socket).then((closed) => resolve({ closed }))
    socket.send(frame.data)
  })
}
