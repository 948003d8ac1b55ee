import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { readField, writeField } from '../../shared/conversation-doc.ts'
import { eventually } from '../support/eventually.ts'
import { type AgentClient, type ConversationView, TestServer, activityLines } from '../support/server.ts'
import { SocketPool } from '../support/ws-client.ts'

// DESIGN §4 rule 3: a status change records the newest message seq its author had seen. A Resolve
// (or Pending) chosen before the customer's newest message never buries it: the server writes the
// correction through the doc, as origin server, and leaves an activity line saying why.

describe('stale Resolve is corrected by the server', () => {
  let server: TestServer
  let alice: AgentClient
  const sockets = new SocketPool()

  beforeAll(async () => {
    server = await TestServer.start()
    alice = await server.clientFor(server.acme.alice)
  })
  afterEach(() => sockets.closeAll())
  afterAll(() => server.close())

  /** A conversation Alice has looked at, then the customer wrote again: returns the seq she saw. */
  async function customerWroteAfterAliceLooked(email: string) {
    const { conversationId } = await server.customerWrites({ email }, 'My order never arrived')
    const seenSeq = (await alice.conversation(conversationId)).conversation.lastMessageSeq
    await server.customerWrites({ email }, 'Hello?? Still waiting!')
    const view = await alice.conversation(conversationId)
    expect(view.conversation.lastCustomerMessageSeq).toBeGreaterThan(seenSeq)
    return { conversationId, seenSeq }
  }

  const reopenedLine = (view: ConversationView) => activityLines(view).find((line) => line.startsWith('Reopened automatically'))

  /** Waits until the rules have finished with every earlier change: an assignment queues behind them
   *  and leaves its own activity line when its turn comes. */
  async function rulesSettled(conversationId: string): Promise<ConversationView> {
    await alice.patch(conversationId, { assigneeId: server.acme.bob.id })
    return eventually(async () => {
      const view = await alice.conversation(conversationId)
      expect(activityLines(view)).toContain('Alice Martin assigned the conversation to Bob Keller')
      return view
    })
  }

  it('PATCH status resolved with an old seenSeq: reopened, with an activity line naming the agent', async () => {
    const { conversationId, seenSeq } = await customerWroteAfterAliceLooked('pat@customer.test')
    await alice.patch(conversationId, { status: 'resolved', seenSeq })

    const view = await eventually(async () => {
      const v = await alice.conversation(conversationId)
      expect(v.conversation.status).toBe('open')
      expect(reopenedLine(v)).toBeDefined()
      return v
    })
    expect(reopenedLine(view)).toMatch(/^Reopened automatically: Alice Martin set it to resolved without having seen/)
    expect(view.conversation.statusBy).toBe('system')
    expect(view.conversation.statusSeenSeq).toBe(view.conversation.lastCustomerMessageSeq)
    // The agent's own resolve is on the timeline too, before the correction.
    const lines = activityLines(view)
    expect(lines.indexOf('Alice Martin resolved the conversation')).toBeLessThan(lines.indexOf(reopenedLine(view)!))
    // Exactly one correction, even after the rules have seen the correction itself go by.
    expect(activityLines(await rulesSettled(conversationId)).filter((l) => l.startsWith('Reopened'))).toHaveLength(1)
  })

  it('a stale Pending is corrected the same way', async () => {
    const { conversationId, seenSeq } = await customerWroteAfterAliceLooked('quin@customer.test')
    await alice.patch(conversationId, { status: 'pending', seenSeq })
    await eventually(async () => {
      const v = await alice.conversation(conversationId)
      expect(v.conversation.status).toBe('open')
      expect(reopenedLine(v)).toMatch(/set it to pending/)
    })
  })

  it('a y-websocket client offline since before the customer wrote resolves: the server reopens it in every replica', async () => {
    const { conversationId } = await server.customerWrites({ email: 'rae@customer.test' }, 'Broken login')
    const a = await sockets.room(server, conversationId, { token: alice.token })
    const b = await sockets.room(server, conversationId, { token: await server.tokenFor(server.acme.bob) })
    const seenSeq = (await alice.conversation(conversationId)).conversation.lastMessageSeq

    a.provider.disconnect()
    await server.customerWrites({ email: 'rae@customer.test' }, 'Now the password reset fails too')
    writeField(a.doc, 'status', { value: 'resolved', snoozedUntil: null, seenSeq }, { by: alice.agent.id, at: Date.now(), writeId: 'stale' })
    a.provider.connect()

    await eventually(async () => {
      const v = await alice.conversation(conversationId)
      expect(v.conversation.status).toBe('open')
      expect(reopenedLine(v)).toMatch(/^Reopened automatically: Alice Martin set it to resolved/)
    })
    // The correction is an ordinary doc update: both devices converge on it.
    for (const client of [a, b]) {
      await eventually(() => expect(readField(client.doc, 'status')).toMatchObject({ value: 'open', by: 'system', over: 'stale' }))
    }
  })

  it('a resolve with an up-to-date seenSeq stays resolved (PATCH with seenSeq, and without it)', async () => {
    for (const explicit of [true, false]) {
      const { conversationId } = await customerWroteAfterAliceLooked(`sam-${explicit}@customer.test`)
      const current = (await alice.conversation(conversationId)).conversation.lastMessageSeq
      await alice.patch(conversationId, explicit ? { status: 'resolved', seenSeq: current } : { status: 'resolved' })
      const view = await rulesSettled(conversationId)
      expect(view.conversation.status).toBe('resolved')
      expect(reopenedLine(view)).toBeUndefined()
      expect(activityLines(view)).toContain('Alice Martin resolved the conversation')
    }
  })

  it('an up-to-date resolve over y-websocket stays resolved', async () => {
    const { conversationId } = await customerWroteAfterAliceLooked('tia@customer.test')
    const a = await sockets.room(server, conversationId, { token: alice.token })
    const seenSeq = (await alice.conversation(conversationId)).conversation.lastMessageSeq
    writeField(a.doc, 'status', { value: 'resolved', snoozedUntil: null, seenSeq }, { by: alice.agent.id, at: Date.now(), writeId: 'fresh' })
    await eventually(async () => expect((await alice.conversation(conversationId)).conversation.status).toBe('resolved'))
    const view = await rulesSettled(conversationId)
    expect(view.conversation.status).toBe('resolved')
    expect(reopenedLine(view)).toBeUndefined()
    expect(readField(a.doc, 'status')?.writeId).toBe('fresh')
  })

  it("a stale Resolve followed at once by an informed one: the informed one stands, nobody's work is reopened", async () => {
    const { conversationId, seenSeq } = await customerWroteAfterAliceLooked('race@customer.test')
    const current = (await alice.conversation(conversationId)).conversation.lastMessageSeq
    const bobId = server.acme.bob.id
    // Both land before the rules have looked at the first: the rules must judge the doc as it is.
    await server.ctx.docs.change(conversationId, { kind: 'agent', agentId: alice.agent.id }, (doc) =>
      writeField(doc, 'status', { value: 'resolved', snoozedUntil: null, seenSeq }, { by: alice.agent.id, at: 1, writeId: 'stale' }),
    )
    await server.ctx.docs.change(conversationId, { kind: 'agent', agentId: bobId }, (doc) =>
      writeField(doc, 'status', { value: 'resolved', snoozedUntil: null, seenSeq: current }, { by: bobId, at: 2, writeId: 'informed' }),
    )
    const view = await rulesSettled(conversationId)
    expect(view.conversation).toMatchObject({ status: 'resolved', statusBy: bobId, statusSeenSeq: current })
    expect(reopenedLine(view)).toBeUndefined()
  })
})
