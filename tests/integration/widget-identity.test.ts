import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Contact } from '../../shared/schemas/entities.ts'
import { addEmailInbox, conversationsOf, sendMail } from '../support/email.ts'
import { eventually } from '../support/eventually.ts'
import { TestServer } from '../support/server.ts'
import { TestVisitor } from '../support/widget-visitor.ts'

// An email typed into the website widget proves nothing: it is kept on the visitor's contact as
// unverified and never becomes the address the email or API channel files mail under. Otherwise a
// visitor typing alice@customer.test would receive, under their own name, Alice's later mail.
describe('a typed email never claims a customer identity', () => {
  let server: TestServer
  let inbox: { id: string; address: string }

  beforeAll(async () => {
    server = await TestServer.start()
    inbox = await addEmailInbox(server)
  })
  afterAll(() => server.close())

  async function visitorTyping(email: string): Promise<Contact> {
    const visitor = await TestVisitor.start(server, { name: 'Mallory', email })
    const { conversationId } = await visitor.send('Hi, I am Alice')
    const stored = await server.ctx.store.conversations.getConversation(conversationId)
    const contact = await server.ctx.store.contacts.getContact(stored!.row.contactId)
    expect(contact).toMatchObject({ name: 'Mallory', email: null, unverifiedEmail: email })
    return contact!
  }

  it("the real owner's mail over SMTP lands on another contact, under the sender's name; the visitor's contact is unchanged", async () => {
    const impostor = await visitorTyping('alice@customer.test')
    expect(await server.ctx.store.contacts.findContactByEmail(server.acme.accountId, 'alice@customer.test')).toBeNull()

    await sendMail(server.ctx.email.inboundPort!, {
      from: '"Alice Owner" <Alice@Customer.test>',
      to: inbox.address,
      subject: 'My order',
      messageId: '<alice-1@customer.test>',
      text: 'Where is my order?',
    })
    const filed = await eventually(async () => {
      const found = await conversationsOf(server, 'alice@customer.test', inbox.id)
      expect(found.conversations).toHaveLength(1)
      return found
    })
    expect(filed.contact!.id).not.toBe(impostor.id)
    expect(filed.contact).toMatchObject({ name: 'Alice Owner', email: 'alice@customer.test' })
    expect(await server.ctx.store.contacts.getContact(impostor.id)).toEqual(impostor)
    expect(await server.ctx.store.conversations.listConversationsOfContact(impostor.id)).toHaveLength(1)
  })

  it("the API channel's upsert and messages by email never match the visitor's contact", async () => {
    const impostor = await visitorTyping('bob@customer.test')
    const upsert = await server.request<Contact>('/api/channels/api/contacts', {
      token: server.acme.apiInbox.token,
      json: { email: 'bob@customer.test', name: 'Bob Real', attributes: { plan: 'pro' } },
    })
    expect(upsert.status).toBe(201)
    expect(upsert.body.id).not.toBe(impostor.id)
    expect(upsert.body).toMatchObject({ email: 'bob@customer.test', name: 'Bob Real' })

    const { contactId } = await server.customerWrites({ email: 'BOB@customer.test', name: 'Bob Real' }, 'Hello from the API')
    expect(contactId).toBe(upsert.body.id)
    expect(await server.ctx.store.contacts.getContact(impostor.id)).toEqual(impostor)
  })

  it('the customer panel is told the email is unverified (the contact feed entry carries it apart)', async () => {
    const impostor = await visitorTyping('carol@customer.test')
    const alice = await server.clientFor(server.acme.alice)
    const { entries } = await alice.feedAll()
    const entry = entries.find((e) => e.kind === 'contact' && e.contact.id === impostor.id)
    expect(entry).toMatchObject({ kind: 'contact', contact: { email: null, unverifiedEmail: 'carol@customer.test' } })
  })
})
