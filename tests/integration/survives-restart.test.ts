import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { readField, readLabels, writeField, addLabel } from '../../shared/conversation-doc.ts'
import { decodeBytes } from '../../shared/base64.ts'
import type { DocsSyncResult } from '../../shared/schemas/api.ts'
import { eventually } from '../support/eventually.ts'
import { type AgentClient, TestServer, activityLines } from '../support/server.ts'
import { type RoomClient, SocketPool } from '../support/ws-client.ts'

// Everything acknowledged is on disk: messages, the conversation docs (appended before they are
// forwarded), the feed's seq. A y-websocket client that was connected reconnects by itself and
// resyncs in both directions.

describe('data survives a restart', () => {
  let server: TestServer
  let alice: AgentClient
  let bobToken: string
  const sockets = new SocketPool()

  beforeAll(async () => {
    server = await TestServer.start()
    alice = await server.clientFor(server.acme.alice)
    bobToken = await server.tokenFor(server.acme.bob)
  })
  afterEach(() => sockets.closeAll())
  afterAll(() => server.close())

  /** Counts the provider's syncs, so a test can wait for the one after a reconnect. */
  function syncCounter(client: RoomClient): () => number {
    let count = client.provider.synced ? 1 : 0
    client.provider.on('sync', (synced: boolean) => {
      if (synced) count += 1
    })
    return () => count
  }

  it('keeps messages, y-websocket state and the feed seq; tokens stay valid', async () => {
    const { conversationId } = await server.customerWrites({ email: 'ada@customer.test' }, 'Before the restart')
    const basedOnSeq = (await alice.conversation(conversationId)).conversation.lastVisibleSeq
    const reply = await alice.postMessage(conversationId, { id: randomUUID(), kind: 'reply', body: 'We are on it', basedOnSeq })
    expect(reply.status).toBe(201)
    const a = await sockets.room(server, conversationId, { token: alice.token })
    const b = await sockets.room(server, conversationId, { token: bobToken })
    writeField(a.doc, 'assignee', { value: server.acme.bob.id }, { by: alice.agent.id, at: Date.now(), writeId: 'assign' })
    addLabel(a.doc, 'vip', { by: alice.agent.id, at: Date.now() })
    // Bob's replica has it: the server forwarded it, so it had appended it first.
    await eventually(() => expect(readField(b.doc, 'assignee')?.value).toBe(server.acme.bob.id))
    await eventually(async () => expect((await alice.conversation(conversationId)).conversation.assigneeId).toBe(server.acme.bob.id))
    // The assignment's activity line follows the projection (on PostgreSQL a round trip later).
    await eventually(async () =>
      expect(activityLines(await alice.conversation(conversationId))).toContain('Alice Martin assigned the conversation to Bob Keller'),
    )
    const before = await alice.feedAll()
    const viewBefore = await alice.conversation(conversationId)
    sockets.closeAll()

    await server.restart()

    const viewAfter = await alice.conversation(conversationId)
    expect(viewAfter.messages).toEqual(viewBefore.messages)
    expect(viewAfter.conversation).toMatchObject({ assigneeId: server.acme.bob.id, labels: ['vip'] })
    const after = await alice.feedAll()
    expect(after.cursor).toBe(before.cursor)
    expect(after.entries).toEqual(before.entries)

    // The doc itself, not just its projection, came back.
    const pulled = await alice.request<DocsSyncResult>('/api/docs/sync', { json: { docs: [{ id: conversationId }] } })
    const doc = new Y.Doc()
    Y.applyUpdate(doc, decodeBytes(pulled.body.docs[0]!.update))
    expect(readField(doc, 'assignee')?.writeId).toBe('assign')
    expect(readLabels(doc)).toEqual(['vip'])

    // New writes continue the seq where it was: right after the account's newest entry, which may be
    // one Alice does not read (Bob's notification of the assignment, written when it is, by timing).
    const { lastSeq } = await alice.feedPage(before.cursor, 1)
    expect(lastSeq).toBeGreaterThanOrEqual(before.cursor)
    const more = await server.customerWrites({ email: 'ada@customer.test' }, 'After the restart')
    expect(more.conversationId).toBe(conversationId)
    const next = await alice.feedAll(before.cursor)
    expect(next.entries.length).toBeGreaterThan(0)
    expect(next.entries[0]!.seq).toBe(lastSeq + 1)
  })

  it('a doc edited just before the restart, never compacted or unloaded, is all there', async () => {
    const { conversationId } = await server.customerWrites({ email: 'bo@customer.test' }, 'Quick one')
    const a = await sockets.room(server, conversationId, { token: alice.token })
    const b = await sockets.room(server, conversationId, { token: bobToken })
    for (let i = 0; i < 30; i++) writeField(a.doc, 'priority', { value: i % 2 ? 'high' : 'low' }, { by: alice.agent.id, at: Date.now(), writeId: `p${i}` })
    await eventually(() => expect(readField(b.doc, 'priority')?.writeId).toBe('p29'))
    await server.restart()
    const pulled = await alice.request<DocsSyncResult>('/api/docs/sync', { json: { docs: [{ id: conversationId }] } })
    const doc = new Y.Doc()
    Y.applyUpdate(doc, decodeBytes(pulled.body.docs[0]!.update))
    expect(readField(doc, 'priority')).toMatchObject({ value: 'high', writeId: 'p29' })
    expect((await alice.conversation(conversationId)).conversation.priority).toBe('high')
  })

  it('connected y-websocket clients reconnect after the restart and resync both ways', async () => {
    const { conversationId } = await server.customerWrites({ email: 'cy@customer.test' }, 'Reconnect me')
    const seenSeq = (await alice.conversation(conversationId)).conversation.lastMessageSeq
    const a = await sockets.room(server, conversationId, { token: alice.token })
    const b = await sockets.room(server, conversationId, { token: bobToken })
    const aSyncs = syncCounter(a)
    const bSyncs = syncCounter(b)

    await server.stop()
    // Written while the server is down: it reaches the server when Alice's provider reconnects.
    writeField(a.doc, 'status', { value: 'pending', snoozedUntil: null, seenSeq }, { by: alice.agent.id, at: Date.now(), writeId: 'offline' })
    await server.restart()

    await eventually(() => {
      expect(aSyncs()).toBeGreaterThanOrEqual(2)
      expect(bSyncs()).toBeGreaterThanOrEqual(2)
    })
    await eventually(() => expect(readField(b.doc, 'status')?.writeId).toBe('offline'))
    await eventually(async () => expect((await alice.conversation(conversationId)).conversation.status).toBe('pending'))
    // And edits after the restart flow to the reconnected clients.
    await alice.patch(conversationId, { priority: 'urgent' })
    await eventually(() => {
      expect(readField(a.doc, 'priority')?.value).toBe('urgent')
      expect(readField(b.doc, 'priority')?.value).toBe('urgent')
    })
  })

  it('a doc unloaded and compacted while idle loads back whole', async () => {
    const { conversationId } = await server.customerWrites({ email: 'dot@customer.test' }, 'Idle')
    const a = await sockets.room(server, conversationId, { token: alice.token })
    writeField(a.doc, 'team', { value: server.acme.team.id }, { by: alice.agent.id, at: Date.now(), writeId: 'team' })
    await eventually(async () => expect((await alice.conversation(conversationId)).conversation.teamId).toBe(server.acme.team.id))
    sockets.closeAll()
    // DOC_IDLE_MS is 200 in tests: the server drops the doc from memory by itself.
    await eventually(() => expect(server.ctx.docs.isLoaded(conversationId)).toBe(false))
    await server.restart()
    const back = await sockets.room(server, conversationId, { token: bobToken })
    expect(readField(back.doc, 'team')).toMatchObject({ value: server.acme.team.id, writeId: 'team' })
  })
})
