import fc from 'fast-check'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { readField, writeField } from '../../shared/conversation-doc.ts'
import { decodeBytes } from '../../shared/base64.ts'
import type { DocsSyncResult } from '../../shared/schemas/api.ts'
import { eventually } from '../support/eventually.ts'
import { type AgentClient, TestServer } from '../support/server.ts'
import { type CloseInfo, type RawClient, type RoomClient, SocketPool, roomUrl, updateFrame } from '../support/ws-client.ts'

// A client that sends garbage (a bug, a hostile script, a proxy that mangles frames) loses its own
// socket, with a close code and a reason, and nothing else: the doc is untouched and every other
// client of the room and of the server carries on. Loopback only; the loops are bounded.

/** y-websocket "query awareness": the server answers it, so an answer proves the frames before it
 *  were read and accepted. */
const QUERY_AWARENESS = new Uint8Array([3])

type Outcome = { closed: CloseInfo } | { answered: true }

describe('malformed and oversized sync frames', () => {
  let server: TestServer
  let alice: AgentClient
  let conversationId: string
  let bystander: RoomClient
  let bystanderCloses = 0
  const sockets = new SocketPool()
  /** Bob's device, in the room for the whole file: it must never notice the garbage. */
  const bystanders = new SocketPool()

  beforeAll(async () => {
    server = await TestServer.start()
    alice = await server.clientFor(server.acme.alice)
    ;({ conversationId } = await server.customerWrites({ email: 'fuzz@customer.test' }, 'Is this thing on?'))
    await alice.patch(conversationId, { priority: 'high', addLabels: ['fragile'] })
    bystander = await bystanders.room(server, conversationId, { token: await server.tokenFor(server.acme.bob) })
    bystander.provider.on('connection-close', () => (bystanderCloses += 1))
  })
  afterEach(() => sockets.closeAll())
  afterAll(async () => {
    bystanders.closeAll()
    await server.close()
  })

  /** The server's whole doc, as bytes: equal bytes, equal doc. */
  async function serverDoc(): Promise<Uint8Array> {
    const res = await alice.request<DocsSyncResult>('/api/docs/sync', { json: { docs: [{ id: conversationId }] } })
    expect(res.status).toBe(200)
    return decodeBytes(res.body.docs[0]!.update)
  }

  const connect = () => sockets.raw(roomUrl(server, conversationId), { token: alice.token })

  /** Sends the frame, then the probe; reports whether the server closed the socket or answered. */
  function send(client: RawClient, frame: Uint8Array | string): Promise<Outcome> {
    return new Promise((resolve) => {
      const before = client.frames.length
      const onFrame = () => {
        // The greeting (sync step 1) may still be arriving: wait for the awareness answer itself.
        if (client.frames.slice(before).some((f) => f[0] === 1)) finish({ answered: true })
      }
      const finish = (outcome: Outcome) => {
        client.socket.off('message', onFrame)
        resolve(outcome)
      }
      client.socket.on('message', onFrame)
      void client.closed.then((closed) => finish({ closed }))
      client.socket.send(frame)
      client.socket.send(QUERY_AWARENESS)
    })
  }

  async function expectRejected(frame: Uint8Array | string, reason: RegExp = /^invalid sync frame: /): Promise<CloseInfo> {
    const before = await serverDoc()
    const outcome = await send(await connect(), frame)
    expect(outcome).toHaveProperty('closed')
    const { closed } = outcome as { closed: CloseInfo }
    expect(closed.code).toBe(4400)
    expect(closed.reason).toMatch(reason)
    expect(await serverDoc()).toEqual(before)
    return closed
  }

  it('a text frame closes the socket with 4400 and a reason', async () => {
    await expectRejected('{"hello":"world"}', /text frames are not part of the sync protocol/)
    // The room's other client did not notice.
    expect(bystanderCloses).toBe(0)
  })

  it('unknown message types and sync steps close the socket', async () => {
    await expectRejected(new Uint8Array([9]), /unknown message type 9/)
    await expectRejected(new Uint8Array([0, 7, 0]), /unknown sync step 7/)
    await expectRejected(new Uint8Array([]))
    await expectRejected(new Uint8Array([0]))
  })

  it('a truncated update closes the socket and changes nothing', async () => {
    const edit = new Y.Doc()
    writeField(edit, 'status', { value: 'resolved', snoozedUntil: null, seenSeq: 99 }, { by: alice.agent.id, at: 1, writeId: 'cut' })
    const update = Y.encodeStateAsUpdate(edit)
    const frame = updateFrame(update)
    // Cut the frame itself (the length prefix promises more than arrives)...
    await expectRejected(frame.subarray(0, frame.length - 5))
    // ...and a well-framed update whose own content is cut short.
    for (const keep of [1, 3, Math.floor(update.length / 2), update.length - 1]) {
      await expectRejected(updateFrame(update.subarray(0, keep)))
    }
    expect((await alice.conversation(conversationId)).conversation.status).toBe('open')
  })

  it('a frame over 2 MiB closes the socket with 1009, and changes nothing', async () => {
    const before = await serverDoc()
    const client = await connect()
    const big = new Uint8Array(2 * 1024 * 1024 + 16)
    big.set(updateFrame(new Uint8Array(0)).subarray(0, 2))
    const outcome = await send(client, big)
    expect(outcome).toEqual({ closed: { code: 1009, reason: expect.any(String) } })
    expect(await serverDoc()).toEqual(before)
  })

  it('200 random frames (seeded): each is rejected with 4400 or harmlessly read; the doc is untouched; the room carries on', async () => {
    const before = await serverDoc()
    const payload = fc.uint8Array({ minLength: 0, maxLength: 96 })
    // Mostly frames that start like real ones, so the fuzz reaches the sync and awareness decoders.
    const frames = fc.sample(
      fc.oneof(
        payload,
        fc.tuple(fc.constantFrom(0, 1, 2, 3), payload).map(([type, rest]) => Uint8Array.of(type, ...rest)),
        fc.tuple(fc.constantFrom(0, 1, 2), payload).map(([step, rest]) => Uint8Array.of(0, step, rest.length, ...rest)),
      ),
      { seed: 20_261_124, numRuns: 200 },
    )
    let client = await connect()
    let rejected = 0
    for (const frame of frames) {
      const outcome = await send(client, frame)
      if ('closed' in outcome) {
        expect([4400, 1002, 1007], `close code for ${Buffer.from(frame).toString('hex')}`).toContain(outcome.closed.code)
        rejected += 1
        client = await connect()
      }
    }
    expect(rejected).toBeGreaterThan(100)
    expect(await serverDoc()).toEqual(before)

    // The server keeps serving the room: the bystander never lost its socket, and gets a real edit.
    expect(bystanderCloses).toBe(0)
    expect(bystander.provider.wsconnected).toBe(true)
    await alice.patch(conversationId, { priority: 'low' })
    await eventually(() => expect(readField(bystander.doc, 'priority')?.value).toBe('low'))
    expect((await alice.conversation(conversationId)).conversation).toMatchObject({ status: 'open', labels: ['fragile'], priority: 'low' })
  })
})
