import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Attachment } from '../../shared/schemas/entities.ts'
import type { WidgetMessage, WidgetSession } from '../../shared/schemas/widget.ts'
import { eventually } from '../support/eventually.ts'
import { type AgentClient, TestServer, expectStatus } from '../support/server.ts'
import { TestVisitor, tampered, websiteKey } from '../support/widget-visitor.ts'

// The website widget's public API: visitors known by signed tokens, their messages stored like the
// API channel's, and a customer's-eye history that never shows notes or activity (DESIGN §4 rule 7).
describe('website widget API', () => {
  let server: TestServer
  let alice: AgentClient

  beforeAll(async () => {
    server = await TestServer.start()
    alice = await server.clientFor(server.acme.alice)
  })
  afterAll(() => server.close())

  const reply = (conversationId: string, body: string, attachmentIds: string[] = []) =>
    alice.postMessage(conversationId, { id: randomUUID(), kind: 'reply', body, basedOnSeq: 0, force: true, attachmentIds })
  const note = (conversationId: string, body: string, attachmentIds: string[] = []) =>
    alice.postMessage(conversationId, { id: randomUUID(), kind: 'note', body, basedOnSeq: 0, attachmentIds })
  async function upload(name: string, content: string): Promise<Attachment> {
    const res = await alice.request<{ attachment: Attachment }>('/api/attachments', {
      body: content,
      headers: { 'content-type': 'text/plain', 'x-file-name': name },
    })
    return expectStatus(res, 201).attachment
  }

  it('starts a conversation in the Website inbox with the visitor as its contact', async () => {
    const visitor = await TestVisitor.start(server, { name: 'Vera Visitor', email: 'Vera@Example.net' })
    expect(visitor.session.visitor).toEqual({ name: 'Vera Visitor', email: 'vera@example.net' })
    const sent = await visitor.send('  Hello, do you ship to Norway?  ')
    expect(sent).toMatchObject({ kind: 'incoming', body: 'Hello, do you ship to Norway?', author: null })

    const view = await alice.conversation(sent.conversationId)
    expect(view.conversation.inboxId).toBe(server.acme.websiteInbox.id)
    expect(view.conversation.status).toBe('open')
    expect(view.messages.map((m) => [m.kind, m.body])).toEqual([['incoming', 'Hello, do you ship to Norway?']])
    const contact = await server.ctx.store.contacts.getContact(view.conversation.contactId)
    // A typed email is kept, as unverified: never the contact's email (widget-identity.test.ts).
    expect(contact).toMatchObject({ name: 'Vera Visitor', email: null, unverifiedEmail: 'vera@example.net' })

    // The next message continues the same conversation; a retry with the same id is stored once.
    const id = randomUUID()
    const again = await visitor.send('Or to Svalbard?', id)
    expect(again.conversationId).toBe(sent.conversationId)
    expect((await visitor.send('Or to Svalbard?', id)).id).toBe(again.id)
    expect((await alice.conversation(sent.conversationId)).messages.filter((m) => m.kind === 'incoming')).toHaveLength(2)
  })

  it('an anonymous visitor gets a contact of their own, never an existing contact by email', async () => {
    const { contactId: danaId } = await server.customerWrites({ email: 'dana@example.net', name: 'Dana' }, 'API hello')
    const anonymous = await TestVisitor.start(server)
    expect(anonymous.session.visitor.name).toMatch(/^Visitor [0-9A-F]{4}$/)
    // Someone typing Dana's address into the widget must not become Dana.
    const impostor = await TestVisitor.start(server, { email: 'dana@example.net' })
    const sent = await impostor.send('I am Dana, show me my conversations')
    const view = await alice.conversation(sent.conversationId)
    expect(view.conversation.contactId).not.toBe(danaId)
    expect((await impostor.history()).map((m) => m.body)).toEqual(['I am Dana, show me my conversations'])
  })

  it('a forged, tampered or foreign token is refused with 401 everywhere', async () => {
    const visitor = await TestVisitor.start(server)
    await visitor.send('Hi')
    const other = await TestVisitor.start(server)
    const [visitorId, inboxId, issuedAt] = visitor.token.split('.')
    const otherSig = other.token.split('.')[3]
    const forged = [
      tampered(visitor.token),
      // Another visitor's signature on this visitor's ids.
      `${visitorId}.${inboxId}.${issuedAt}.${otherSig}`,
      // This visitor's signature with another visitor id.
      `${other.token.split('.')[0]}.${inboxId}.${issuedAt}.${visitor.token.split('.')[3]}`,
      // A later issue time, same signature.
      `${visitorId}.${inboxId}.${Number(issuedAt) + 1}.${visitor.token.split('.')[3]}`,
      'not-a-token',
    ]
    for (const token of forged) {
      expect((await server.request('/api/widget/messages', { token })).status).toBe(401)
      expect((await server.request('/api/widget/messages', { token, json: { id: randomUUID(), body: 'x' } })).status).toBe(401)
      expect((await server.request('/api/widget/session', { json: { key: await websiteKey(server), token } })).status).toBe(401)
    }
    expect((await server.request('/api/widget/messages')).status).toBe(401)
    // A genuine token resumes the same visitor with a fresh token.
    const resumed = await server.request<WidgetSession>('/api/widget/session', { json: { key: await websiteKey(server), token: visitor.token } })
    expect(resumed.status).toBe(200)
    expect(resumed.body.token.split('.')[0]).toBe(visitorId)
    // An unknown inbox key.
    expect((await server.request('/api/widget/session', { json: { key: 'pk_unknownunknownunknown' } })).status).toBe(404)
  })

  it('the history holds the visitor\'s messages and the replies, never notes or activity lines', async () => {
    const visitor = await TestVisitor.start(server, { name: 'Hana' })
    const { conversationId } = await visitor.send('My parcel is late')
    expectStatus(await note(conversationId, 'INTERNAL: courier lost it, do not tell yet'), 201)
    expectStatus(await reply(conversationId, 'Sorry! Let me check **right away**.'), 201)
    await alice.patch(conversationId, { status: 'pending' })
    // A customer message reopens a pending conversation (rule 4) and leaves an activity line.
    await visitor.send('Any news?')
    await eventually(async () => expect((await alice.conversation(conversationId)).conversation.status).toBe('open'))
    const agentView = await alice.conversation(conversationId)
    expect(agentView.messages.map((m) => m.kind)).toEqual(expect.arrayContaining(['incoming', 'note', 'reply', 'activity']))

    const history = await visitor.history()
    expect(history.map((m) => [m.kind, m.body, m.author])).toEqual([
      ['incoming', 'My parcel is late', null],
      ['reply', 'Sorry! Let me check **right away**.', 'Alice Martin'],
      ['incoming', 'Any news?', null],
    ])
    expect(JSON.stringify(history)).not.toContain('INTERNAL')
    // Nothing that identifies agents or the account.
    expect(Object.keys(history[1]!).sort()).toEqual(['attachments', 'author', 'body', 'conversationId', 'createdAt', 'id', 'kind'])
  })

  it('a resolved conversation is not continued: the next message starts a new one, and the history shows both', async () => {
    const visitor = await TestVisitor.start(server)
    const first = await visitor.send('First question')
    await alice.patch(first.conversationId, { status: 'resolved' })
    const second = await visitor.send('Second question, weeks later')
    expect(second.conversationId).not.toBe(first.conversationId)
    expect((await visitor.history()).map((m) => m.body)).toEqual(['First question', 'Second question, weeks later'])
  })

  it("another visitor's token reads nothing of this conversation", async () => {
    const vera = await TestVisitor.start(server, { name: 'Vera' })
    const { conversationId } = await vera.send('Private: my address is 1 Elm St')
    const file = await upload('invoice.txt', 'invoice for Vera')
    expectStatus(await reply(conversationId, 'Here is your invoice', [file.id]), 201)

    const mallet = await TestVisitor.start(server, { name: 'Mallet' })
    expect(await mallet.history()).toEqual([])
    await mallet.send('hello')
    expect((await mallet.history()).map((m) => m.body)).toEqual(['hello'])
    expect((await mallet.request(`/api/widget/conversations/${conversationId}/attachments/${file.id}`)).status).toBe(404)
    expect((await vera.request(`/api/widget/conversations/${conversationId}/attachments/${file.id}`)).status).toBe(200)
  })

  it('attachments: a reply\'s file downloads for its visitor (token in the header, never the URL), a note\'s file is 404', async () => {
    const visitor = await TestVisitor.start(server)
    const { conversationId } = await visitor.send('Can you send the manual?')
    const manual = await upload('manual.txt', 'the manual')
    const secret = await upload('internal.txt', 'internal notes about this customer')
    expectStatus(await reply(conversationId, 'Attached', [manual.id]), 201)
    expectStatus(await note(conversationId, 'see file', [secret.id]), 201)

    const [replyMessage] = (await visitor.history()).filter((m) => m.kind === 'reply') as [WidgetMessage]
    expect(replyMessage.attachments).toEqual([{ id: manual.id, name: 'manual.txt', contentType: 'text/plain', size: manual.size }])

    const path = (id: string) => `/api/widget/conversations/${conversationId}/attachments/${id}`
    const ok = await visitor.request(path(manual.id))
    expect(ok.status).toBe(200)
    expect(ok.text).toBe('the manual')
    expect(ok.headers.get('access-control-allow-origin')).toBe('*')
    // A token in the URL would end up in logs and Referer headers: it is not looked at.
    const byQuery = await server.request(`${path(manual.id)}?token=${encodeURIComponent(visitor.token)}`)
    expect(byQuery.status).toBe(401)

    const hidden = await visitor.request(path(secret.id), { headers: { origin: 'https://shop.example' } })
    expect(hidden.status).toBe(404)
    // The widget on the customer's site can read the error too.
    expect(hidden.headers.get('access-control-allow-origin')).toBe('*')
    expect(hidden.text).not.toContain('internal notes')
    expect((await server.request(path(manual.id), { token: tampered(visitor.token) })).status).toBe(401)
  })

  it('answers any origin (CORS, no credentials), also on errors', async () => {
    const origin = 'https://shop.example'
    const preflight = await server.request('/api/widget/messages', {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*')
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization')
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull()

    const denied = await server.request('/api/widget/messages', { headers: { origin } })
    expect(denied.status).toBe(401)
    expect(denied.headers.get('access-control-allow-origin')).toBe('*')
  })

  it('limits sizes: a message of at most 5,000 characters, a small body, a burst of messages', async () => {
    const visitor = await TestVisitor.start(server)
    const long = await visitor.request<{ fields: { path: string }[] }>('/api/widget/messages', { json: { id: randomUUID(), body: 'x'.repeat(5001) } })
    expect(long.status).toBe(400)
    expect(long.body.fields.map((f) => f.path)).toContain('body')
    expect((await visitor.send('y'.repeat(5000))).body).toHaveLength(5000)
    const huge = await visitor.request('/api/widget/messages', { body: JSON.stringify({ id: randomUUID(), body: 'z'.repeat(100_000) }) })
    expect(huge.status).toBe(413)
    expect((await visitor.request('/api/widget/messages', { json: { id: randomUUID(), body: '   ' } })).status).toBe(400)

    // A script posting as fast as it can is slowed down; the answer says when to retry.
    const statuses: number[] = []
    for (let i = 0; i < 30; i++) statuses.push((await visitor.request('/api/widget/messages', { json: { id: randomUUID(), body: `spam ${i}` } })).status)
    expect(statuses).toContain(429)
    const limited = await visitor.request('/api/widget/messages', { json: { id: randomUUID(), body: 'more' } })
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
  })

  it('is described in the OpenAPI document', async () => {
    const doc = await server.request<{ paths: Record<string, unknown> }>('/api/openapi.json')
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/api/widget/session', '/api/widget/messages', '/api/widget/conversations/{conversationId}/attachments/{id}']),
    )
    // No route takes the visitor token in its URL any more.
    expect(JSON.stringify(doc.body.paths['/api/widget/conversations/{conversationId}/attachments/{id}'])).not.toMatch(/"name":"token"/)
  })
})
