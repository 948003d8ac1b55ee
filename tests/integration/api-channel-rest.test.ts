import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CustomerMessage } from '../../shared/schemas/api-channel.ts'
import type { Contact } from '../../shared/schemas/entities.ts'
import { eventually } from '../support/eventually.ts'
import { type AgentClient, TestServer, expectStatus } from '../support/server.ts'

// The API channel's REST calls for external systems, authenticated by the inbox token: contacts,
// conversations, and the customer's view of a conversation, which never holds a note or an activity
// line (DESIGN §4 rule 7), and only ever of the token's own inbox.

interface StartedConversation {
  conversationId: string
  number: number
  contactId: string
  messageId: string | null
}

describe('API channel REST', () => {
  let server: TestServer
  let alice: AgentClient
  let token: string

  beforeAll(async () => {
    server = await TestServer.start()
    alice = await server.clientFor(server.acme.alice)
    token = server.acme.apiInbox.token
  })
  afterAll(() => server.close())

  const contact = (json: unknown, t = token) => server.request<Contact>('/api/channels/api/contacts', { token: t, json })
  const start = (json: unknown, t = token) => server.request<StartedConversation>('/api/channels/api/conversations', { token: t, json })
  const read = (id: string, t = token, query = '') =>
    server.request<{ messages: CustomerMessage[] }>(`/api/channels/api/conversations/${id}/messages${query}`, { token: t })

  it('creates a contact (201); the same email again is that contact, with name and attributes updated (200)', async () => {
    const before = (await alice.feedAll()).cursor
    const made = await contact({ email: 'Olga@Customer.Test', name: 'Olga', attributes: { plan: 'free', seats: 1 } })
    expect(made.status).toBe(201)
    expect(made.body).toEqual({
      id: expect.any(String),
      accountId: server.acme.accountId,
      name: 'Olga',
      email: 'olga@customer.test',
      attributes: { plan: 'free', seats: 1 },
      createdAt: expect.any(Number),
    })
    const again = await contact({ email: 'olga@customer.test', name: 'Olga Petrova', attributes: { plan: 'pro', vip: true } })
    expect(again.status).toBe(200)
    expect(again.body).toEqual({ ...made.body, name: 'Olga Petrova', attributes: { plan: 'pro', seats: 1, vip: true } })
    // Nothing to change: the contact as it is, and no feed entry.
    const cursor = (await alice.feedAll()).cursor
    expect((await contact({ email: 'olga@customer.test' })).body).toEqual(again.body)
    expect((await alice.feedAll(cursor)).entries).toEqual([])
    // Agents' devices hear of the contact and of its update through the feed.
    const entries = (await alice.feedAll(before)).entries.filter((e) => e.kind === 'contact')
    expect(entries.at(-1)).toMatchObject({ contact: { id: made.body.id, name: 'Olga Petrova', attributes: { plan: 'pro', seats: 1, vip: true } } })
    // Without an email, every call is a new contact.
    const a = await contact({ name: 'Walk-in' })
    const b = await contact({ name: 'Walk-in' })
    expect([a.status, b.status]).toEqual([201, 201])
    expect(a.body.id).not.toBe(b.body.id)
  })

  it('starts a conversation for a contact id or a contact, with or without a first message', async () => {
    const olga = (await contact({ email: 'olga2@customer.test', name: 'Olga' })).body
    const empty = await start({ contactId: olga.id })
    expect(empty.status).toBe(201)
    expect(empty.body).toEqual({ conversationId: expect.any(String), number: expect.any(Number), contactId: olga.id, messageId: null })
    const view = await alice.conversation(empty.body.conversationId)
    expect(view.conversation).toMatchObject({ inboxId: server.acme.apiInbox.id, contactId: olga.id, status: 'open', number: empty.body.number })
    expect(view.messages).toEqual([])

    // Always a new one, even with an open conversation for the contact.
    const second = expectStatus(await start({ contact: { email: 'olga2@customer.test' }, body: '  A second topic  ' }), 201)
    expect(second.contactId).toBe(olga.id)
    expect(second.conversationId).not.toBe(empty.body.conversationId)
    expect(second.number).toBeGreaterThan(empty.body.number)
    const messages = (await alice.conversation(second.conversationId)).messages
    expect(messages).toEqual([expect.objectContaining({ id: second.messageId, kind: 'incoming', body: 'A second topic' })])

    const newcomer = expectStatus(await start({ contact: { name: 'Pia', email: 'pia@customer.test' }, body: 'Hi' }), 201)
    expect((await alice.conversation(newcomer.conversationId)).conversation.contactId).toBe(newcomer.contactId)
  })

  it("reads the customer's view: incoming messages and replies, never notes or activity lines", async () => {
    const { conversationId, messageId } = await server.customerWrites({ email: 'quinn@customer.test' }, 'Where is my parcel?')
    await alice.postMessage(conversationId, { id: randomUUID(), kind: 'note', body: 'INTERNAL: carrier lost it, do not say so', basedOnSeq: 0 })
    const reply = expectStatus(
      await alice.postMessage(conversationId, { id: randomUUID(), kind: 'reply', body: 'It is on its way.', basedOnSeq: 0, force: true }),
      201,
    ).message
    await alice.patch(conversationId, { status: 'pending', assigneeId: server.acme.bob.id })
    await eventually(async () => expect((await alice.conversation(conversationId)).messages.filter((m) => m.kind === 'activity').length).toBeGreaterThan(0))

    const res = await read(conversationId)
    expect(res.status).toBe(200)
    expect(res.body.messages).toEqual([
      { id: messageId, conversationId, kind: 'incoming', body: 'Where is my parcel?', createdAt: expect.any(Number), seq: expect.any(Number), attachments: [] },
      { id: reply.id, conversationId, kind: 'reply', body: 'It is on its way.', createdAt: expect.any(Number), seq: reply.seq, attachments: [] },
    ])
    expect(res.text).not.toContain('INTERNAL')
    expect(res.text).not.toMatch(/Bob|pending|authorAgentId/)
    // `after` returns only newer ones.
    const newer = await read(conversationId, token, `?after=${res.body.messages[0]!.seq}`)
    expect(newer.body.messages.map((m) => m.id)).toEqual([reply.id])
  })

  it('answers 401 without a valid API inbox token, before looking at the request', async () => {
    const { conversationId } = await server.customerWrites({ email: 'rita@customer.test' }, 'Hello')
    const agentToken = alice.token
    // '' sends no Authorization header at all.
    for (const t of ['', 'inbox_wrong', agentToken, server.acme.websiteInbox.token]) {
      for (const res of [
        await contact({ email: 'rita@customer.test' }, t),
        await contact({ email: 'not-an-email' }, t),
        await start({ contact: { email: 'rita@customer.test' } }, t),
        await read(conversationId, t),
        await read('not-a-uuid', t),
      ]) {
        expect(res.status, t.slice(0, 12)).toBe(401)
        expect(res.body).toEqual({ error: 'a valid API inbox token is required' })
      }
    }
  })

  it("another inbox's or account's conversation is 404, like one that does not exist", async () => {
    const theirs = await server.customerWrites({ email: 'sam@customer.test' }, 'Mallory customer', server.other.apiInbox.token)
    // A conversation of Acme's other (website) inbox.
    const contactRow = (await contact({ email: 'tess@customer.test' })).body
    const website = await server.ctx.conversations.create({ accountId: server.acme.accountId, inboxId: server.acme.websiteInbox.id, contactId: contactRow.id })
    await server.ctx.messages.addIncoming(server.acme.accountId, website.id, 'from the website')
    const unknown = await read(randomUUID())
    expect(unknown.status).toBe(404)
    for (const id of [theirs.conversationId, website.id]) {
      const res = await read(id)
      expect(res.status).toBe(404)
      expect(res.text).toBe(unknown.text)
    }
    // Mallory's token does not reach Acme's conversation either.
    const { conversationId } = await server.customerWrites({ email: 'uwe@customer.test' }, 'Acme only')
    expect((await read(conversationId, server.other.apiInbox.token)).status).toBe(404)
    // Nor does it start one for Acme's contact.
    const acmeContact = (await contact({ email: 'uwe@customer.test' })).body
    const foreign = await start({ contactId: acmeContact.id }, server.other.apiInbox.token)
    expect(foreign.status).toBe(400)
    expect((foreign.body as unknown as { fields: { path: string }[] }).fields.map((f) => f.path)).toEqual(['contactId'])
    expect((await start({ contactId: randomUUID() })).status).toBe(400)
  })

  it('refuses invalid requests with 400 naming the field, and stores nothing', async () => {
    const before = (await alice.feedAll()).cursor
    const cases: [() => Promise<{ status: number; body: unknown }>, string][] = [
      [() => contact({}), 'email'],
      [() => contact({ email: 'nope' }), 'email'],
      [() => contact({ name: '   ' }), 'name'],
      [() => contact({ email: 'v@customer.test', attributes: { nested: { no: 1 } } }), 'attributes.nested'],
      [() => start({}), 'contactId'],
      [() => start({ contactId: 'not-a-uuid' }), 'contactId'],
      [() => start({ contactId: randomUUID(), contact: { email: 'v@customer.test' } }), 'contactId'],
      [() => start({ contact: { email: 'bad' } }), 'contact.email'],
      [() => start({ contact: { email: 'v@customer.test' }, body: '  ' }), 'body'],
      [() => read('not-a-uuid'), 'id'],
      [() => read(randomUUID(), token, '?after=-1'), 'after'],
    ]
    for (const [call, field] of cases) {
      const res = await call()
      expect(res.status, field).toBe(400)
      expect((res.body as { fields: { path: string }[] }).fields.map((f) => f.path), field).toContain(field)
    }
    expect((await alice.feedAll(before)).entries).toEqual([])
  })

  it('is in the OpenAPI document, with the inbox token as its security', async () => {
    const doc = (await server.request<{ paths: Record<string, Record<string, { summary?: string; security?: unknown }>> }>('/api/openapi.json')).body
    for (const [path, method] of [
      ['/api/channels/api/contacts', 'post'],
      ['/api/channels/api/conversations', 'post'],
      ['/api/channels/api/conversations/{id}/messages', 'get'],
    ] as const) {
      const op = doc.paths[path]?.[method]
      expect(op?.summary, `${method} ${path}`).toEqual(expect.any(String))
      expect(op?.security).toEqual([{ inboxToken: [] }])
    }
  })
})
