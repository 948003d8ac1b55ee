import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { readField } from '../../shared/conversation-doc.ts'
import type { ConversationPatch } from '../../shared/schemas/api.ts'
import { eventually } from '../support/eventually.ts'
import { type AgentClient, TestServer, activityLines } from '../support/server.ts'
import { SocketPool } from '../support/ws-client.ts'

// DESIGN §4 rule 4: a customer message reopens a Pending or Snoozed conversation. A Resolved one is
// left alone: the API channel "adds an incoming message to that contact's latest unresolved
// conversation in that inbox, or starts a new one".

describe('a customer message reopens', () => {
  let server: TestServer
  let alice: AgentClient
  const sockets = new SocketPool()

  beforeAll(async () => {
    server = await TestServer.start()
    alice = await server.clientFor(server.acme.alice)
  })
  afterEach(() => sockets.closeAll())
  afterAll(() => server.close())

  const cases: { was: string; patch: () => ConversationPatch }[] = [
    { was: 'pending', patch: () => ({ status: 'pending' }) },
    { was: 'snoozed', patch: () => ({ status: 'snoozed', snoozedUntil: Date.now() + 3_600_000 }) },
  ]

  for (const { was, patch } of cases) {
    it(`a ${was} conversation: same conversation, open again, with an activity line`, async () => {
      const email = `${was}@customer.test`
      const { conversationId } = await server.customerWrites({ email }, 'First question')
      expect((await alice.patch(conversationId, patch())).status).toBe(was)

      const again = await server.customerWrites({ email: email.toUpperCase() }, 'One more thing')
      expect(again.conversationId).toBe(conversationId)

      const view = await alice.conversation(conversationId)
      expect(view.conversation).toMatchObject({ status: 'open', snoozedUntil: null, statusBy: 'system' })
      expect(view.conversation.statusSeenSeq).toBe(view.conversation.lastCustomerMessageSeq)
      expect(activityLines(view)).toContain(`Reopened: the customer wrote while it was ${was}`)
      expect(view.messages.filter((m) => m.kind === 'incoming').map((m) => m.body)).toEqual(['First question', 'One more thing'])
    })
  }

  it('an open conversation simply gets the message, with no activity line', async () => {
    const { conversationId } = await server.customerWrites({ email: 'open@customer.test' }, 'Hi')
    const again = await server.customerWrites({ email: 'open@customer.test' }, 'Hi again')
    expect(again.conversationId).toBe(conversationId)
    const view = await alice.conversation(conversationId)
    expect(view.conversation.status).toBe('open')
    expect(activityLines(view)).toEqual([])
  })

  it('agents in the room see the reopening as a doc update', async () => {
    const email = 'room@customer.test'
    const { conversationId } = await server.customerWrites({ email }, 'Question')
    await alice.patch(conversationId, { status: 'pending' })
    const a = await sockets.room(server, conversationId, { token: alice.token })
    expect(readField(a.doc, 'status')?.value).toBe('pending')
    await server.customerWrites({ email }, 'Any news?')
    await eventually(() => expect(readField(a.doc, 'status')).toMatchObject({ value: 'open', by: 'system' }))
  })

  it('a resolved conversation stays resolved: the message starts a NEW conversation', async () => {
    const email = 'resolved@customer.test'
    const first = await server.customerWrites({ email }, 'Old problem')
    await alice.patch(first.conversationId, { status: 'resolved' })

    const next = await server.customerWrites({ email }, 'A new problem')
    expect(next.conversationId).not.toBe(first.conversationId)
    expect(next.contactId).toBe(first.contactId)

    const old = await alice.conversation(first.conversationId)
    expect(old.conversation.status).toBe('resolved')
    expect(old.messages.map((m) => m.body)).not.toContain('A new problem')
    const fresh = await alice.conversation(next.conversationId)
    expect(fresh.conversation).toMatchObject({ status: 'open', contactId: first.contactId, inboxId: server.acme.apiInbox.id })
    expect(fresh.conversation.number).toBeGreaterThan(old.conversation.number)
    expect(fresh.messages.map((m) => m.body)).toEqual(['A new problem'])

    // And the contact's messages keep going to the new one, which is now the latest unresolved.
    expect((await server.customerWrites({ email }, 'Follow-up')).conversationId).toBe(next.conversationId)
  })

  it('another contact, or the same contact in another inbox, gets a conversation of its own', async () => {
    const one = await server.customerWrites({ email: 'zed@customer.test' }, 'Mine')
    const other = await server.customerWrites({ email: 'zoe@customer.test' }, 'Mine too')
    expect(other.conversationId).not.toBe(one.conversationId)
    const elsewhere = await server.customerWrites({ email: 'zed@customer.test' }, 'Hi', server.other.apiInbox.token)
    expect(elsewhere.conversationId).not.toBe(one.conversationId)
    expect(elsewhere.contactId).not.toBe(one.contactId)
  })

  it('concurrent first messages of one contact land in one conversation', async () => {
    const email = 'burst@customer.test'
    const answers = await Promise.all(Array.from({ length: 5 }, (_, i) => server.customerWrites({ email }, `part ${i}`)))
    expect(new Set(answers.map((a) => a.conversationId)).size).toBe(1)
    expect(new Set(answers.map((a) => a.contactId)).size).toBe(1)
    expect((await alice.conversation(answers[0]!.conversationId)).messages).toHaveLength(5)
  })
})
