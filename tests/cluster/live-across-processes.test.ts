import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { readField, writeField } from '../../shared/conversation-doc.ts'
import type { PresenceState } from '../../shared/presence.ts'
import type { Message } from '../../shared/schemas/entities.ts'
import { type Cluster, demoToken, startCluster } from '../support/cluster.ts'
import { eventually } from '../support/eventually.ts'
import { customerWrites, type ServerProcess } from '../support/server-process.ts'
import { SocketPool } from '../support/ws-client.ts'

// Two real server processes on one PostgreSQL and one Redis form one service (issue 11): an agent on
// each sees the other's work live, a customer may write through either, and the send guard sees
// messages that arrived on the other process.

describe('two processes, one service', () => {
  let cluster: Cluster
  let a: ServerProcess
  let b: ServerProcess
  let aliceToken = ''
  let bobToken = ''
  let aliceId = ''
  let bobId = ''
  const sockets = new SocketPool()
  const ws = (p: ServerProcess) => ({ wsUrl: p.url.replace(/^http/, 'ws') })

  async function call<T>(p: ServerProcess, token: string, urlPath: string, init: { method?: string; json?: unknown } = {}) {
    const res = await fetch(`${p.url}${urlPath}`, {
      method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
      headers: { authorization: `Bearer ${token}`, ...(init.json === undefined ? {} : { 'content-type': 'application/json' }) },
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
    })
    return { status: res.status, body: (await res.json().catch(() => null)) as T }
  }
  const conversation = async (p: ServerProcess, token: string, id: string) =>
    (await call<{ conversation: { lastMessageSeq: number; status: string; assigneeId: string | null }; messages: Message[] }>(p, token, `/api/conversations/${id}`)).body
  const me = async (p: ServerProcess, token: string) => (await call<{ me: { id: string } }>(p, token, '/api/workspace')).body.me.id

  beforeAll(async () => {
    cluster = await startCluster(2)
    ;[a, b] = cluster.processes as [ServerProcess, ServerProcess]
    aliceToken = await demoToken(a, 'alice@example.com')
    bobToken = await demoToken(b, 'bob@example.com')
    ;[aliceId, bobId] = await Promise.all([me(a, aliceToken), me(b, bobToken)])
  }, 120_000)
  afterEach(() => sockets.closeAll())
  afterAll(async () => {
    sockets.closeAll()
    await cluster?.stop()
  })

  it('two processes started at once on an empty database create the demo workspace once', async () => {
    expect(await cluster.query('SELECT id FROM accounts')).toHaveLength(1)
    const agents = await cluster.query<{ email: string }>('SELECT email FROM agents ORDER BY email')
    expect(agents.map((r) => r.email)).toEqual(['alice@example.com', 'bob@example.com', 'carol@example.com'])
    expect(cluster.processes.filter((p) => p.output().includes('Demo workspace created'))).toHaveLength(1)
    expect(cluster.apiToken).toMatch(/^inbox_/)
  })

  it("a customer message through either process reaches both agents' feeds, and a reply on A reaches B", async () => {
    const aliceFeed = await sockets.feed(ws(a), { token: aliceToken })
    const bobFeed = await sockets.feed(ws(b), { token: bobToken })
    const viaA = await customerWrites({ url: a.url, apiToken: cluster.apiToken }, { name: 'Ada Across', email: `ada.${randomUUID()}@example.net` }, 'Written to A')
    const viaB = await customerWrites({ url: b.url, apiToken: cluster.apiToken }, { name: 'Ben Across', email: `ben.${randomUUID()}@example.net` }, 'Written to B')
    for (const feed of [aliceFeed, bobFeed]) {
      await eventually(() => {
        const ids = feed.entries().flatMap((e) => (e.kind === 'message' ? [e.message.id] : []))
        expect(ids).toEqual(expect.arrayContaining([viaA.messageId, viaB.messageId]))
      })
    }
    const seen = (await conversation(a, aliceToken, viaA.conversationId)).conversation.lastMessageSeq
    const reply = { id: randomUUID(), kind: 'reply', body: 'Answered on A', basedOnSeq: seen }
    expect((await call(a, aliceToken, `/api/conversations/${viaA.conversationId}/messages`, { json: reply })).status).toBe(201)
    await eventually(() => expect(bobFeed.entries().some((e) => e.kind === 'message' && e.message.id === reply.id)).toBe(true))
  })

  it('status, assignment and presence edited on A are live on B, and both projections agree', async () => {
    const { conversationId } = await customerWrites({ url: a.url, apiToken: cluster.apiToken }, { name: 'Cy Room', email: `cy.${randomUUID()}@example.net` }, 'Room test')
    const seen = (await conversation(a, aliceToken, conversationId)).conversation.lastMessageSeq
    const onA = await sockets.room(ws(a), conversationId, { token: aliceToken })
    const onB = await sockets.room(ws(b), conversationId, { token: bobToken })
    const bobFeed = await sockets.feed(ws(b), { token: bobToken })

    writeField(onA.doc, 'status', { value: 'pending', snoozedUntil: null, seenSeq: seen }, { by: aliceId, at: Date.now(), writeId: randomUUID() })
    writeField(onA.doc, 'assignee', { value: bobId }, { by: aliceId, at: Date.now(), writeId: randomUUID() })
    await eventually(() => {
      expect(readField(onB.doc, 'status')?.value).toBe('pending')
      expect(readField(onB.doc, 'assignee')?.value).toBe(bobId)
    })
    // Through the feed on B too (the list of an agent who has not opened it).
    await eventually(() =>
      expect(bobFeed.entries().some((e) => e.kind === 'conversation' && e.conversation.id === conversationId && e.conversation.status === 'pending')).toBe(true),
    )
    for (const [p, token] of [[a, aliceToken], [b, bobToken]] as const) {
      await eventually(async () => expect((await conversation(p, token, conversationId)).conversation).toMatchObject({ status: 'pending', assigneeId: bobId }))
    }

    const presence: PresenceState = { activity: 'replying', user: { id: aliceId, name: 'Alice', color: '#000' } }
    onA.provider.awareness.setLocalState(presence)
    await eventually(() => {
      const others = [...onB.provider.awareness.getStates().values()] as Partial<PresenceState>[]
      expect(others.some((s) => s.user?.id === aliceId && s.activity === 'replying')).toBe(true)
    })
    await eventually(() =>
      expect(
        bobFeed.presence.flatMap((p) => p.conversations).some((c) => c.conversationId === conversationId && c.agents.some((x) => x.id === aliceId)),
      ).toBe(true),
    )
  })

  it('the send guard on B holds a reply when the customer wrote through A meanwhile', async () => {
    const di = { name: 'Di Guard', email: `di.${randomUUID()}@example.net` }
    const { conversationId } = await customerWrites({ url: b.url, apiToken: cluster.apiToken }, di, 'First')
    const seen = (await conversation(b, bobToken, conversationId)).conversation.lastMessageSeq
    const late = await customerWrites({ url: a.url, apiToken: cluster.apiToken }, di, 'Actually, one more thing', conversationId)
    const held = await call<{ error: string; messages: Message[] }>(b, bobToken, `/api/conversations/${conversationId}/messages`, {
      json: { id: randomUUID(), kind: 'reply', body: 'Done!', basedOnSeq: seen },
    })
    expect(held.status).toBe(409)
    expect(held.body.messages.map((m) => m.id)).toContain(late.messageId)
  })
})
