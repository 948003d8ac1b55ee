import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AgentClient, TestServer } from '../support/server.ts'

// The HTTP API channel: a customer's message, authenticated by the inbox's token, lands in the
// account as a contact, a conversation and an incoming message, all on the change feed.

describe('API channel', () => {
  let server: TestServer
  let alice: AgentClient

  beforeAll(async () => {
    server = await TestServer.start()
    alice = await server.clientFor(server.acme.alice)
  })
  afterAll(() => server.close())

  const post = (json: unknown, token = server.acme.apiInbox.token) => server.request('/api/channels/api/messages', { token, json })

  it('stores the message as incoming, in a new conversation of the inbox, with the contact', async () => {
    const before = (await alice.feedAll()).cursor
    const res = await post({ contact: { email: 'Amy@Customer.Test', name: 'Amy Pond', attributes: { plan: 'pro', seats: 3 } }, body: '  Hello, I need help  ' })
    expect(res.status).toBe(201)
    const ids = res.body as { conversationId: string; messageId: string; contactId: string }
    expect(Object.keys(ids).sort()).toEqual(['contactId', 'conversationId', 'messageId'])

    const view = await alice.conversation(ids.conversationId)
    expect(view.conversation).toMatchObject({ inboxId: server.acme.apiInbox.id, contactId: ids.contactId, status: 'open', accountId: server.acme.accountId })
    expect(view.messages).toEqual([
      expect.objectContaining({ id: ids.messageId, kind: 'incoming', body: 'Hello, I need help', authorAgentId: null }),
    ])
    expect(view.conversation.lastCustomerMessageSeq).toBe(view.messages[0]!.seq)
    expect(view.conversation.lastMessage).toMatchObject({ kind: 'incoming', body: 'Hello, I need help' })

    const { entries } = await alice.feedAll(before)
    const contact = entries.find((e) => e.kind === 'contact')
    expect(contact).toMatchObject({ contact: { id: ids.contactId, email: 'amy@customer.test', name: 'Amy Pond', attributes: { plan: 'pro', seats: 3 } } })
    expect(entries.some((e) => e.kind === 'message' && e.message.id === ids.messageId)).toBe(true)
    expect(entries.some((e) => e.kind === 'conversation' && e.conversation.id === ids.conversationId)).toBe(true)
  })

  it('the same email is the same contact; a name-only contact is a new one each time', async () => {
    const a = (await post({ contact: { email: 'bea@customer.test' }, body: 'one' })).body as { contactId: string }
    const b = (await post({ contact: { email: 'BEA@customer.test', name: 'Bea' }, body: 'two' })).body as { contactId: string }
    expect(b.contactId).toBe(a.contactId)
    const c = (await post({ contact: { name: 'Walk-in' }, body: 'three' })).body as { contactId: string }
    const d = (await post({ contact: { name: 'Walk-in' }, body: 'four' })).body as { contactId: string }
    expect(c.contactId).not.toBe(d.contactId)
  })

  it("never answers with internal notes or agents' replies (customer-facing)", async () => {
    const first = (await post({ contact: { email: 'cal@customer.test' }, body: 'Question' })).body as { conversationId: string }
    await alice.postMessage(first.conversationId, { id: randomUUID(), kind: 'note', body: 'INTERNAL: customer is difficult', basedOnSeq: 0 })
    const res = await post({ contact: { email: 'cal@customer.test' }, body: 'Another question' })
    expect(res.status).toBe(201)
    expect(res.text).not.toContain('INTERNAL')
    expect((res.body as { conversationId: string }).conversationId).toBe(first.conversationId)
  })

  it('refuses invalid messages with 400 naming the field, and stores nothing', async () => {
    const before = (await alice.feedAll()).cursor
    const invalid: [unknown, string][] = [
      [{ contact: {}, body: 'hi' }, 'contact.email'],
      [{ contact: { email: 'not-an-email' }, body: 'hi' }, 'contact.email'],
      [{ contact: { email: 'dee@customer.test' }, body: '   ' }, 'body'],
      [{ contact: { email: 'dee@customer.test' } }, 'body'],
      [{ body: 'hi' }, 'contact'],
      [{ contact: { email: 'dee@customer.test', attributes: { nested: { no: 1 } } }, body: 'hi' }, 'contact.attributes.nested'],
    ]
    for (const [json, field] of invalid) {
      const res = await post(json)
      expect(res.status, JSON.stringify(json)).toBe(400)
      expect((res.body as { fields: { path: string }[] }).fields.map((f) => f.path), JSON.stringify(json)).toContain(field)
    }
    expect((await alice.feedAll(before)).entries).toEqual([])
  })
})
