import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { noteText } from '../../shared/conversation-doc.ts'
import { decodeBytes, encodeBytes } from '../../shared/base64.ts'
import type { DocsSyncResult, ErrorBody } from '../../shared/schemas/api.ts'
import { MAX_DOC_BYTES, MAX_PENDING_BYTES } from '../../server/sync/doc-limits.ts'
import { eventually } from '../support/eventually.ts'
import { type AgentClient, TestServer } from '../support/server.ts'
import { SocketPool, roomUrl, syncStep1Frame, updateFrame } from '../support/ws-client.ts'

// Hardening issue, item 12: a conversation doc is capped (1 MiB of merged state, ~50x a busy real
// one). An update that would take it over is refused whole, through a room (close 4413 'document
// too large', which the app shows) or through bulk sync (413 naming the doc); the doc keeps its
// earlier state, the server and the other rooms carry on.

describe('conversation docs have a size cap', () => {
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

  const newConversation = async () => (await server.customerWrites({ email: `c${Math.random()}@customer.test` }, 'Hello')).conversationId
  const sync = (docs: { id: string; update?: string; stateVector?: string }[]) =>
    alice.request<DocsSyncResult & ErrorBody>('/api/docs/sync', { json: { docs } })

  /** The server's doc, read back through bulk sync. */
  async function serverNote(id: string): Promise<string> {
    const res = await sync([{ id }])
    expect(res.status).toBe(200)
    const doc = new Y.Doc()
    Y.applyUpdate(doc, decodeBytes(res.body.docs[0]!.update))
    return noteText(doc).toString()
  }

  /** An update that writes `text` into the note of a doc that starts from the server's state. */
  async function noteUpdate(id: string, text: string): Promise<Uint8Array> {
    const doc = new Y.Doc()
    const res = await sync([{ id }])
    Y.applyUpdate(doc, decodeBytes(res.body.docs[0]!.update))
    const before = Y.encodeStateVector(doc)
    noteText(doc).insert(noteText(doc).length, text)
    return Y.encodeStateAsUpdate(doc, before)
  }

  const huge = () => 'x'.repeat(MAX_DOC_BYTES + 200 * 1024)

  it('a room update over the cap closes the socket with 4413; nothing is applied, stored or forwarded; other rooms carry on', async () => {
    const [id, other] = [await newConversation(), await newConversation()]
    const bobs = await sockets.room(server, id, { token: bob.token })
    const otherRoom = [await sockets.room(server, other, { token: alice.token }), await sockets.room(server, other, { token: bob.token })]
    noteText(bobs.doc).insert(0, 'Before. ')
    await eventually(async () => expect(await serverNote(id)).toBe('Before. '))

    const raw = await sockets.raw(roomUrl(server, id), { token: alice.token })
    raw.socket.send(syncStep1Frame(new Y.Doc()))
    raw.socket.send(updateFrame(await noteUpdate(id, huge())))
    expect(await raw.closed).toEqual({ code: 4413, reason: 'document too large' })

    // A later edit in the same room reaches Bob: had the big one been forwarded, it would have come first.
    noteText(bobs.doc).insert(noteText(bobs.doc).length, 'After.')
    const alices = await sockets.room(server, id, { token: alice.token })
    await eventually(() => expect(noteText(alices.doc).toString()).toBe('Before. After.'))
    expect(noteText(bobs.doc).toString()).toBe('Before. After.')
    expect(await serverNote(id)).toBe('Before. After.')
    const stored = await server.ctx.store.docs.loadDocUpdates(`conv:${id}`)
    expect(stored.reduce((n, r) => n + r.data.byteLength, 0)).toBeLessThan(64 * 1024)

    noteText(otherRoom[0]!.doc).insert(0, 'still live')
    await eventually(() => expect(noteText(otherRoom[1]!.doc).toString()).toBe('still live'))
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200)
  })

  it('growth in steps is refused at the step that crosses the cap, and the room keeps what came before', async () => {
    const id = await newConversation()
    const step = 'y'.repeat(300 * 1024)
    const raw = await sockets.raw(roomUrl(server, id), { token: alice.token })
    const doc = new Y.Doc()
    for (let i = 0; i < 3; i++) {
      const before = Y.encodeStateVector(doc)
      noteText(doc).insert(noteText(doc).length, step)
      raw.socket.send(updateFrame(Y.encodeStateAsUpdate(doc, before)))
    }
    await eventually(async () => expect((await serverNote(id)).length).toBe(3 * step.length), { timeout: 10_000 })
    const before = Y.encodeStateVector(doc)
    noteText(doc).insert(noteText(doc).length, step)
    raw.socket.send(updateFrame(Y.encodeStateAsUpdate(doc, before)))
    expect((await raw.closed).code).toBe(4413)
    expect((await serverNote(id)).length).toBe(3 * step.length)
  })

  it('updates kept aside for edits the server lacks are capped too (256 KiB): the socket closes with 4413', async () => {
    const id = await newConversation()
    const doc = new Y.Doc()
    noteText(doc).insert(0, 'never sent')
    const before = Y.encodeStateVector(doc)
    noteText(doc).insert(0, 'z'.repeat(MAX_PENDING_BYTES + 1024))
    const raw = await sockets.raw(roomUrl(server, id), { token: alice.token })
    // Builds on the first insert, which the server never got: Yjs would hold it in memory, unapplied.
    raw.socket.send(updateFrame(Y.encodeStateAsUpdate(doc, before)))
    expect(await raw.closed).toEqual({ code: 4413, reason: 'document too large' })
    expect(await serverNote(id)).toBe('')
  })

  it('bulk sync answers 413 naming the doc, and applies nothing of the request', async () => {
    const [id, other] = [await newConversation(), await newConversation()]
    expect((await sync([{ id, update: encodeBytes(await noteUpdate(id, 'Earlier.')) }])).status).toBe(200)

    const res = await sync([
      { id: other, update: encodeBytes(await noteUpdate(other, 'small and fine')) },
      { id, update: encodeBytes(await noteUpdate(id, huge())) },
    ])
    expect(res.status, res.text).toBe(413)
    expect(res.body.error).toContain(id)
    expect(res.body.fields).toEqual([{ path: 'docs.1.update', message: `conversation ${id}: document too large` }])
    expect(await serverNote(id)).toBe('Earlier.')
    expect(await serverNote(other)).toBe('')

    // The server carries on: the small one alone goes through.
    expect((await sync([{ id: other, update: encodeBytes(await noteUpdate(other, 'small and fine')) }])).status).toBe(200)
    expect(await serverNote(other)).toBe('small and fine')
  })
})
