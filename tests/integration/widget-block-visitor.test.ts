import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { eventually } from '../support/eventually.ts'
import { type AgentClient, TestServer } from '../support/server.ts'
import { TestVisitor, VisitorSockets, websiteKey } from '../support/widget-visitor.ts'

// Visitor tokens are revocable one by one: an agent blocks the visitor of a website conversation,
// and that visitor's token stops working at once (HTTP 401, live socket closed with 4401), while
// every other visitor carries on.
describe('blocking a website visitor', () => {
  let server: TestServer
  let alice: AgentClient
  const sockets = new VisitorSockets()

  beforeAll(async () => {
    server = await TestServer.start()
    alice = await server.clientFor(server.acme.alice)
  })
  afterEach(() => sockets.closeAll())
  afterAll(() => server.close())

  const block = (agent: AgentClient, contactId: string) =>
    agent.request<{ ok: boolean; revoked: number }>(`/api/contacts/${contactId}/block-visitor`, { method: 'POST' })
  const contactOf = async (conversationId: string) => (await alice.conversation(conversationId)).conversation.contactId

  it("ends the visitor's token: HTTP calls get 401 and the live socket closes; other visitors carry on", async () => {
    const abuser = await TestVisitor.start(server, { name: 'Abuser' })
    const { conversationId } = await abuser.send('spam spam spam')
    const other = await TestVisitor.start(server, { name: 'Polite' })
    await other.send('Hello')
    const [abuserLive, otherLive] = [await abuser.live(sockets), await other.live(sockets)]

    const res = await block(alice, await contactOf(conversationId))
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ ok: true, revoked: 1 })

    expect((await abuserLive.closed).code).toBe(4401)
    expect((await abuser.request('/api/widget/messages')).status).toBe(401)
    expect((await abuser.request('/api/widget/messages', { json: { id: crypto.randomUUID(), body: 'again' } })).status).toBe(401)
    const resume = await server.request('/api/widget/session', { json: { key: await websiteKey(server), token: abuser.token } })
    expect(resume.status).toBe(401)
    await expect(abuser.live(sockets)).rejects.toThrow(/4401/)

    // The other visitor: untouched.
    expect((await other.history()).map((m) => m.body)).toEqual(['Hello'])
    await other.send('Still here')
    await eventually(() => expect(otherLive.messages().map((m) => m.body)).toContain('Still here'))
    // Their conversation stays for the agents; blocking again is harmless.
    expect((await alice.conversation(conversationId)).messages.map((m) => m.body)).toContain('spam spam spam')
    expect((await block(alice, await contactOf(conversationId))).body).toEqual({ ok: true, revoked: 0 })
  })

  it("is an agent's act within their account: 401 signed out, 404 for another account's agent or a contact that is no visitor", async () => {
    const visitor = await TestVisitor.start(server)
    const { conversationId } = await visitor.send('Hi')
    const contactId = await contactOf(conversationId)
    expect((await server.request(`/api/contacts/${contactId}/block-visitor`, { method: 'POST' })).status).toBe(401)
    const mallory = await server.clientFor(server.other.mallory)
    expect((await block(mallory, contactId)).status).toBe(404)
    const { contactId: apiContact } = await server.customerWrites({ email: 'api-customer@example.net' }, 'Hello by API')
    expect((await block(alice, apiContact)).status).toBe(404)
    expect((await block(alice, crypto.randomUUID())).status).toBe(404)
    expect((await block(alice, 'not-an-id')).status).toBe(400)
    // None of that touched the visitor.
    expect((await visitor.history()).map((m) => m.body)).toEqual(['Hi'])
  })

  it('is in the OpenAPI document as an agent route', async () => {
    const doc = await server.request<{ paths: Record<string, Record<string, { 'x-access'?: string }>> }>('/api/openapi.json')
    expect(doc.body.paths['/api/contacts/{id}/block-visitor']?.post?.['x-access']).toBe('agent')
  })
})
