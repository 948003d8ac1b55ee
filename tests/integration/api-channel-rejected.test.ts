import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AgentClient, TestServer, expectStatus } from '../support/server.ts'
import { TestVisitor } from '../support/widget-visitor.ts'
import { countRows } from '../support/test-sql.ts'

// A call the API channel refuses writes nothing: everything that can refuse it (the conversation
// named, the inbox archived, the body) is checked before a contact is made, so a 4xx never leaves a
// stray contact in the account nor a feed entry on every agent's device.
describe('a rejected API-channel call creates nothing', () => {
  let server: TestServer
  let alice: AgentClient

  beforeAll(async () => {
    server = await TestServer.start()
    alice = await server.clientFor(server.acme.alice)
  })
  afterAll(() => server.close())

  const contacts = () => countRows(server.ctx.store, 'SELECT count(*) AS n FROM contacts WHERE account_id = ?', [server.acme.accountId])
  /** Runs the call, expects its status, and that the account has no new contact and no new feed entry. */
  async function refusedWithoutTrace(status: number, call: () => Promise<{ status: number; text: string }>) {
    const [before, seq] = [await contacts(), await server.ctx.store.feed.lastSeq(server.acme.accountId)]
    const res = await call()
    expect(res.status, res.text).toBe(status)
    expect(await contacts()).toBe(before)
    expect(await server.ctx.store.feed.lastSeq(server.acme.accountId)).toBe(seq)
  }
  const postMessage = (json: unknown, token = server.acme.apiInbox.token) => server.request('/api/channels/api/messages', { token, json })

  it('POST /api/channels/api/messages: a conversation that is not the contact\'s or not the inbox\'s, or a bad body', async () => {
    const { conversationId } = await server.customerWrites({ email: 'owner@customer.test', name: 'Owner' }, 'First')
    // Someone new naming an existing conversation.
    await refusedWithoutTrace(404, () => postMessage({ contact: { email: 'stranger@customer.test' }, body: 'Let me in', conversationId }))
    await refusedWithoutTrace(404, () => postMessage({ contact: { name: 'No Email' }, body: 'Let me in', conversationId }))
    // A conversation of another inbox (the Website's), and one that does not exist.
    const visitor = await TestVisitor.start(server)
    const website = await visitor.send('Hello from the website')
    await refusedWithoutTrace(404, () => postMessage({ contact: { email: 'new1@customer.test' }, body: 'x', conversationId: website.conversationId }))
    await refusedWithoutTrace(404, () => postMessage({ contact: { email: 'new2@customer.test' }, body: 'x', conversationId: randomUUID() }))
    await refusedWithoutTrace(400, () => postMessage({ contact: { email: 'new3@customer.test' }, body: '   ' }))
    await refusedWithoutTrace(400, () => postMessage({ contact: { email: 'new4@customer.test' }, body: 'x', conversationId: 'not-an-id' }))
    await refusedWithoutTrace(401, () => postMessage({ contact: { email: 'new5@customer.test' }, body: 'x' }, 'wrong-token'))
    // The owner still continues their own conversation.
    const again = expectStatus(await postMessage({ contact: { email: 'OWNER@customer.test' }, body: 'Second', conversationId }), 201) as {
      conversationId: string
    }
    expect(again.conversationId).toBe(conversationId)
  })

  it('an archived API inbox: messages and new conversations are refused without making the contact', async () => {
    const created = expectStatus(await alice.request<{ inbox: { id: string }; token: string }>('/api/inboxes', { json: { name: 'Old API', channelType: 'api' } }), 201)
    expectStatus(await alice.request(`/api/inboxes/${created.inbox.id}`, { method: 'PATCH', json: { archived: true } }), 200)
    await refusedWithoutTrace(403, () => postMessage({ contact: { email: 'late@customer.test' }, body: 'Anyone?' }, created.token))
    await refusedWithoutTrace(403, () =>
      server.request('/api/channels/api/conversations', { token: created.token, json: { contact: { email: 'late@customer.test' }, body: 'Hi' } }),
    )
    await refusedWithoutTrace(403, () => server.request('/api/channels/api/contacts', { token: created.token, json: { email: 'late@customer.test' } }))
  })

  it('POST /api/channels/api/conversations: an unknown or foreign contactId, or a bad body', async () => {
    const token = server.acme.apiInbox.token
    const start = (json: unknown) => server.request('/api/channels/api/conversations', { token, json })
    await refusedWithoutTrace(400, () => start({ contactId: randomUUID(), body: 'x' }))
    const { contactId: foreign } = await server.customerWrites({ email: 'theirs@other.test' }, 'hi', server.other.apiInbox.token)
    await refusedWithoutTrace(400, () => start({ contactId: foreign, body: 'x' }))
    await refusedWithoutTrace(400, () => start({ contact: { email: 'not an email' }, body: 'x' }))
  })
})
