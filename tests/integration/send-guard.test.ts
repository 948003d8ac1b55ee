import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PostMessage, ReplyCollision } from '../../shared/schemas/api.ts'
import { type AgentClient, TestServer } from '../support/server.ts'

// DESIGN §4 rule 6: a reply carries the seq of the newest message its author had seen. If a
// customer-visible message from someone else is newer, the server does not store it and answers with
// those messages; "Send anyway" (force) sends it. Nothing is sent twice, nothing silently.
describe('the send guard', () => {
  let server: TestServer
  let alice: AgentClient
  let bob: AgentClient

  beforeAll(async () => {
    server = await TestServer.start()
    ;[alice, bob] = await Promise.all([server.clientFor(server.acme.alice), server.clientFor(server.acme.bob)])
  })
  afterAll(() => server.close())

  const reply = (basedOnSeq: number, body = 'We are on it.'): PostMessage => ({ id: randomUUID(), kind: 'reply', body, basedOnSeq })

  it("holds Bob's reply when Alice replied after Bob last looked, and answers with Alice's reply", async () => {
    const { conversationId } = await server.customerWrites({ email: 'guard1@customer.test' }, 'Where is my order?')
    const seen = (await bob.conversation(conversationId)).conversation.lastMessageSeq
    const fromAlice = await alice.postMessage(conversationId, reply(seen, 'It ships today.'))
    expect(fromAlice.status).toBe(201)

    const fromBob = reply(seen, 'Let me check.')
    const held = await bob.request<ReplyCollision>(`/api/conversations/${conversationId}/messages`, { json: fromBob })
    expect(held.status).toBe(409)
    expect(held.body.code).toBe('reply_collision')
    expect(held.body.messages.map((m) => m.body)).toEqual(['It ships today.'])
    expect((await bob.conversation(conversationId)).messages.some((m) => m.id === fromBob.id)).toBe(false)

    // Send anyway: stored once, and a retry of it is the same message.
    const forced = await bob.postMessage(conversationId, { ...fromBob, force: true })
    expect(forced.status).toBe(201)
    const retried = await bob.postMessage(conversationId, fromBob)
    expect(retried.status).toBe(200)
    expect(retried.body.duplicate).toBe(true)
    expect((await bob.conversation(conversationId)).messages.filter((m) => m.id === fromBob.id)).toHaveLength(1)
  })

  it("a customer's newer message holds a reply too; notes and an agent's own earlier replies never do", async () => {
    const { conversationId } = await server.customerWrites({ email: 'guard2@customer.test' }, 'Hello')
    const seen = (await alice.conversation(conversationId)).conversation.lastMessageSeq
    expect((await alice.postMessage(conversationId, reply(seen, 'First answer'))).status).toBe(201)
    // Alice's own earlier reply is no news to her.
    expect((await alice.postMessage(conversationId, reply(seen, 'Second answer'))).status).toBe(201)
    await server.customerWrites({ email: 'guard2@customer.test' }, 'Actually, one more thing')
    const held = await alice.request<ReplyCollision>(`/api/conversations/${conversationId}/messages`, { json: reply(seen, 'Third') })
    expect(held.status).toBe(409)
    expect(held.body.messages.map((m) => m.body)).toEqual(['Actually, one more thing'])
    // A note is internal: no customer can be answered twice by it.
    const note = await alice.postMessage(conversationId, { id: randomUUID(), kind: 'note', body: 'fyi', basedOnSeq: seen })
    expect(note.status).toBe(201)
    // Up to date: sent.
    const latest = (await alice.conversation(conversationId)).conversation.lastMessageSeq
    expect((await alice.postMessage(conversationId, reply(latest, 'Answering that too'))).status).toBe(201)
  })

  it('the collision answer carries only customer-visible messages, never notes or activity', async () => {
    const { conversationId } = await server.customerWrites({ email: 'guard3@customer.test' }, 'Hi')
    const seen = (await bob.conversation(conversationId)).conversation.lastMessageSeq
    await alice.postMessage(conversationId, { id: randomUUID(), kind: 'note', body: 'internal only', basedOnSeq: seen })
    await alice.patch(conversationId, { status: 'pending' })
    await alice.postMessage(conversationId, reply(seen + 10_000, 'Visible answer'))
    const held = await bob.request<ReplyCollision>(`/api/conversations/${conversationId}/messages`, { json: reply(seen) })
    expect(held.status).toBe(409)
    expect(held.body.messages.map((m) => m.kind)).toEqual(['reply'])
  })
})
