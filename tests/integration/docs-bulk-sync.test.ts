import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { addLabel, readField, writeField } from '../../shared/conversation-doc.ts'
import { decodeBytes, encodeBytes } from '../../shared/base64.ts'
import type { DocsSyncResult } from '../../shared/schemas/api.ts'
import { eventually } from '../support/eventually.ts'
import { type AgentClient, TestServer } from '../support/server.ts'
import { SocketPool } from '../support/ws-client.ts'

// `POST /api/docs/sync`: a device back online pushes its offline edits of many conversation docs and
// pulls what it lacks, in one round trip (DESIGN §3). Each doc answers with the diff against the
// state vector sent; a request is authorised and validated whole before anything is applied.

interface Item {
  id: string
  update?: string
  stateVector?: string
}

describe('bulk doc sync over HTTP', () => {
  let server: TestServer
  let alice: AgentClient
  let mallory: AgentClient
  const ids: string[] = []
  const sockets = new SocketPool()

  beforeAll(async () => {
    server = await TestServer.start()
    ;[alice, mallory] = await Promise.all([server.clientFor(server.acme.alice), server.clientFor(server.other.mallory)])
    for (const email of ['one@customer.test', 'two@customer.test', 'three@customer.test']) {
      ids.push((await server.customerWrites({ email }, 'Hello')).conversationId)
    }
  })
  afterEach(() => sockets.closeAll())
  afterAll(() => server.close())

  const sync = (docs: Item[], client: AgentClient = alice) => client.request<DocsSyncResult>('/api/docs/sync', { json: { docs } })
  const ctx = (writeId: string) => ({ by: server.acme.alice.id, at: Date.now(), writeId })
  const stateVector = (doc: Y.Doc) => encodeBytes(Y.encodeStateVector(doc))

  /** A device's replica of each doc, filled by a first pull without state vectors. */
  async function replicas(of: string[]): Promise<Y.Doc[]> {
    const res = await sync(of.map((id) => ({ id })))
    expect(res.status).toBe(200)
    return res.body.docs.map((answer) => {
      const doc = new Y.Doc()
      Y.applyUpdate(doc, decodeBytes(answer.update))
      return doc
    })
  }

  it('pushes offline edits of several docs at once; the projections follow before the answer', async () => {
    const [d1, d2, d3] = await replicas(ids)
    writeField(d1!, 'assignee', { value: server.acme.bob.id }, ctx('bulk-1'))
    writeField(d2!, 'priority', { value: 'urgent' }, ctx('bulk-2'))
    addLabel(d3!, 'refund', { by: server.acme.alice.id, at: Date.now() })
    const items = [d1!, d2!, d3!].map((doc, i) => ({ id: ids[i]!, update: encodeBytes(Y.encodeStateAsUpdate(doc)), stateVector: stateVector(doc) }))

    const res = await sync(items)
    expect(res.status).toBe(200)
    expect(res.body.docs.map((d) => d.id)).toEqual(ids)
    // Applied and projected by the time the answer came: no polling needed.
    expect((await alice.conversation(ids[0]!)).conversation.assigneeId).toBe(server.acme.bob.id)
    expect((await alice.conversation(ids[1]!)).conversation.priority).toBe('urgent')
    expect((await alice.conversation(ids[2]!)).conversation.labels).toEqual(['refund'])
    // The device had everything: applying the answers changes nothing.
    for (const [i, doc] of [d1!, d2!, d3!].entries()) {
      const before = Y.encodeStateVector(doc)
      Y.applyUpdate(doc, decodeBytes(res.body.docs[i]!.update))
      expect(Y.encodeStateVector(doc)).toEqual(before)
    }
  })

  it('pulls by state vector exactly what the device lacks', async () => {
    const [d1, d2] = await replicas([ids[0]!, ids[1]!])
    // Meanwhile, others edit: a script over PATCH, and the device's own edit is still local.
    await alice.patch(ids[0]!, { teamId: server.acme.team.id })
    writeField(d2!, 'priority', { value: 'low' }, ctx('local-only'))

    const res = await sync([{ id: ids[0]!, stateVector: stateVector(d1!) }, { id: ids[1]!, stateVector: stateVector(d2!) }])
    expect(res.status).toBe(200)
    const diff1 = decodeBytes(res.body.docs[0]!.update)
    const whole1 = decodeBytes((await sync([{ id: ids[0]! }])).body.docs[0]!.update)
    expect(diff1.length).toBeLessThan(whole1.length)
    Y.applyUpdate(d1!, diff1)
    expect(readField(d1!, 'team')?.value).toBe(server.acme.team.id)
    expect(readField(d1!, 'assignee')?.writeId).toBe('bulk-1')
    // A pull does not push: the local edit is still only local.
    Y.applyUpdate(d2!, decodeBytes(res.body.docs[1]!.update))
    expect(readField(d2!, 'priority')?.writeId).toBe('local-only')
    expect((await alice.conversation(ids[1]!)).conversation.priority).toBe('urgent')
  })

  it('an update pushed over HTTP reaches the y-websocket room live, and pushing it again writes nothing', async () => {
    const room = await sockets.room(server, ids[2]!, { token: alice.token })
    const [d3] = await replicas([ids[2]!])
    writeField(d3!, 'status', { value: 'pending', snoozedUntil: null, seenSeq: (await alice.conversation(ids[2]!)).conversation.lastMessageSeq }, ctx('http-push'))
    const update = encodeBytes(Y.encodeStateAsUpdate(d3!))
    expect((await sync([{ id: ids[2]!, update }])).status).toBe(200)
    await eventually(() => expect(readField(room.doc, 'status')?.writeId).toBe('http-push'))
    const cursor = await eventually(async () => {
      const first = await alice.feedAll()
      expect(first.entries.some((e) => e.kind === 'message' && e.message.body === 'Alice Martin marked the conversation as pending')).toBe(true)
      return first.cursor
    })
    expect((await sync([{ id: ids[2]!, update }])).status).toBe(200)
    expect((await alice.feedAll(cursor)).entries).toEqual([])
  })

  it("a doc of another account in the request: 404, and nothing of the request is applied", async () => {
    const theirs = (await server.customerWrites({ email: 'm@customer.test' }, 'Hi', server.other.apiInbox.token)).conversationId
    const [mine] = await replicas([ids[0]!])
    writeField(mine!, 'priority', { value: 'medium' }, ctx('must-not-land'))
    const evil = new Y.Doc()
    writeField(evil, 'status', { value: 'resolved', snoozedUntil: null, seenSeq: 1_000 }, ctx('foreign'))

    const res = await sync([
      { id: ids[0]!, update: encodeBytes(Y.encodeStateAsUpdate(mine!)) },
      { id: theirs, update: encodeBytes(Y.encodeStateAsUpdate(evil)) },
    ])
    expect(res.status).toBe(404)
    expect(res.text).not.toContain(theirs)
    expect((await alice.conversation(ids[0]!)).conversation.priority).not.toBe('medium')
    expect((await mallory.conversation(theirs)).conversation.status).toBe('open')
    // Mallory cannot read Acme's docs either.
    expect((await sync([{ id: ids[0]! }], mallory)).status).toBe(404)
  })

  it('a malformed update or state vector: 400 naming the item, and nothing of the request is applied', async () => {
    const [mine] = await replicas([ids[1]!])
    writeField(mine!, 'priority', { value: 'medium' }, ctx('before-garbage'))
    const good = { id: ids[1]!, update: encodeBytes(Y.encodeStateAsUpdate(mine!)) }

    const badUpdate = await sync([good, { id: ids[0]!, update: encodeBytes(Uint8Array.of(255, 255, 255, 255)) }])
    expect(badUpdate.status).toBe(400)
    expect(badUpdate.body).toMatchObject({ fields: [{ path: 'docs.1.update' }] })

    const badVector = await sync([good, { id: ids[0]!, stateVector: encodeBytes(Uint8Array.of(5)) }])
    expect(badVector.status).toBe(400)
    expect(badVector.body).toMatchObject({ fields: [{ path: 'docs.1.stateVector' }] })

    expect((await alice.conversation(ids[1]!)).conversation.priority).toBe('urgent')
    // The server is fine: the same good item alone goes through.
    expect((await sync([good])).status).toBe(200)
    expect((await alice.conversation(ids[1]!)).conversation.priority).toBe('medium')
  })

  it('validates the request shape: no docs, bad ids, not base64', async () => {
    const cases: [unknown, string][] = [
      [{ docs: [] }, 'docs'],
      [{}, 'docs'],
      [{ docs: [{ id: 'nope' }] }, 'docs.0.id'],
      [{ docs: [{ id: ids[0], update: 'not base64!' }] }, 'docs.0.update'],
    ]
    for (const [json, path] of cases) {
      const res = await alice.request<{ fields: { path: string }[] }>('/api/docs/sync', { json })
      expect(res.status, JSON.stringify(json)).toBe(400)
      expect(res.body.fields.map((f) => f.path)).toContain(path)
    }
  })

  it('an update that builds on changes the server lacks is not acknowledged (409); the whole state then is', async () => {
    const { conversationId } = await server.customerWrites({ email: 'gap@customer.test' }, 'Hello')
    const device = new Y.Doc()
    const first: Uint8Array[] = []
    device.on('update', (u: Uint8Array) => first.push(u))
    addLabel(device, 'first', { by: server.acme.alice.id, at: 1 })
    addLabel(device, 'second', { by: server.acme.alice.id, at: 2 })
    // Only the second edit, without the first it builds on.
    const gap = await sync([{ id: conversationId, update: encodeBytes(first[1]!) }])
    expect(gap.status).toBe(409)
    expect(JSON.stringify(gap.body)).toMatch(/whole document state/)
    const whole = await sync([{ id: conversationId, update: encodeBytes(Y.encodeStateAsUpdate(device)) }])
    expect(whole.status).toBe(200)
    await eventually(async () => expect((await alice.conversation(conversationId)).conversation.labels).toEqual(['first', 'second']))
  })
})
