import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AgentClient, TestServer } from '../support/server.ts'

// DESIGN §5: requests are validated against the same zod schemas the OpenAPI document shows; an
// invalid request gets a 4xx with a JSON error naming the field, writes nothing, and the server
// carries on.

interface ErrorAnswer {
  error: string
  fields?: { path: string; message: string }[]
}

describe('invalid requests', () => {
  let server: TestServer
  let alice: AgentClient
  let conversationId: string
  let cursor: number

  beforeAll(async () => {
    server = await TestServer.start()
    alice = await server.clientFor(server.acme.alice)
    ;({ conversationId } = await server.customerWrites({ email: 'val@customer.test' }, 'Hello'))
    cursor = (await alice.feedAll()).cursor
  })
  afterAll(() => server.close())

  const messages = () => `/api/conversations/${conversationId}/messages`
  const reply = () => ({ id: randomUUID(), kind: 'reply', body: 'Hi!', basedOnSeq: cursor })

  async function expectFields(path: string, init: { method?: string; json?: unknown; body?: string }, fields: string[]) {
    const res = await alice.request<ErrorAnswer>(path, init)
    expect(res.status, `${path} ${res.text}`).toBe(400)
    expect(res.headers.get('content-type')).toMatch(/application\/json/)
    expect(res.body.error).toEqual(expect.any(String))
    expect(res.body.fields?.map((f) => f.path).sort()).toEqual([...fields].sort())
    for (const field of res.body.fields ?? []) expect(field.message.length).toBeGreaterThan(0)
  }

  it('missing fields: 400 naming each', async () => {
    await expectFields(messages(), { json: {} }, ['id', 'kind', 'body', 'basedOnSeq'])
    const { body: _omit, ...noBody } = reply()
    await expectFields(messages(), { json: noBody }, ['body'])
    await expectFields('/api/auth/sign-in', { json: { email: 'alice@acme.test' } }, ['password'])
  })

  it('wrong types and values: 400 naming each field', async () => {
    await expectFields(messages(), { json: { id: 5, kind: 'shout', body: 3, basedOnSeq: 'x' } }, ['id', 'kind', 'body', 'basedOnSeq'])
    await expectFields(messages(), { json: { ...reply(), basedOnSeq: -1 } }, ['basedOnSeq'])
    await expectFields(messages(), { json: { ...reply(), kind: 'incoming' } }, ['kind'])
    await expectFields(messages(), { json: { ...reply(), body: '   ' } }, ['body'])
    await expectFields(`/api/conversations/${conversationId}`, { method: 'PATCH', json: { status: 'closed' } }, ['status'])
    await expectFields(`/api/conversations/${conversationId}`, { method: 'PATCH', json: { status: 'snoozed' } }, ['snoozedUntil'])
    await expectFields(`/api/conversations/${conversationId}`, { method: 'PATCH', json: { addLabels: ['ok', '!!!'] } }, ['addLabels.1'])
    await expectFields(`/api/conversations/${conversationId}`, { method: 'PATCH', json: { assigneeId: 'bob' } }, ['assigneeId'])
    await expectFields('/api/auth/tokens', { json: { email: 'not-an-email', password: 'x' } }, ['email'])
  })

  it('a body that is JSON but not an object: 400 naming the root', async () => {
    for (const body of ['[]', 'null', '"text"', '42']) await expectFields(messages(), { body }, ['(root)'])
  })

  it('a path parameter that is not an id: 400 naming it', async () => {
    await expectFields('/api/conversations/not-a-uuid', {}, ['id'])
    await expectFields('/api/conversations/not-a-uuid/messages', { json: reply() }, ['id'])
  })

  it('malformed JSON, or not JSON at all: a 4xx with a JSON error', async () => {
    for (const body of ['{"id": ', '{id: 1}', "{'a': 1}", '']) {
      const res = await alice.request<ErrorAnswer>(messages(), { body })
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.body.error).toMatch(/JSON/i)
    }
    const text = await alice.request<ErrorAnswer>(messages(), { body: 'hello', headers: { 'content-type': 'text/plain' } })
    expect(text.status).toBe(415)
    expect(text.body.error).toEqual(expect.any(String))
  })

  it('oversize fields: 400 naming the field; an oversize body: 413 before it is parsed', async () => {
    await expectFields(messages(), { json: { ...reply(), body: 'x'.repeat(50_001) } }, ['body'])
    const huge = await alice.request<ErrorAnswer>(messages(), { json: { ...reply(), body: 'x'.repeat(8 * 1024 * 1024) } })
    expect(huge.status).toBe(413)
    expect(huge.body.error).toMatch(/too large/)
    await expectFields('/api/docs/sync', { json: { docs: [{ id: conversationId, update: 'A'.repeat(4_000_004) }] } }, ['docs.0.update'])
    const hugeBulk = await alice.request<ErrorAnswer>('/api/docs/sync', { json: { docs: [{ id: conversationId, update: 'A'.repeat(9_000_000) }] } })
    expect(hugeBulk.status).toBe(413)
    await expectFields('/api/docs/sync', { json: { docs: Array.from({ length: 501 }, () => ({ id: conversationId })) } }, ['docs'])
    const customer = await server.request<ErrorAnswer>('/api/channels/api/messages', {
      token: server.acme.apiInbox.token,
      json: { contact: { email: 'big@customer.test', name: 'n'.repeat(201) }, body: 'b'.repeat(50_001) },
    })
    expect(customer.status).toBe(400)
    expect(customer.body.fields?.map((f) => f.path).sort()).toEqual(['body', 'contact.name'])
  })

  it('unknown API paths answer 404 in JSON, not the app shell', async () => {
    const res = await alice.request<ErrorAnswer>('/api/conversations')
    expect(res.status).toBe(404)
    expect(res.body.error).toBe('not found')
  })

  it('after all that, nothing was written and the server serves as before', async () => {
    expect((await alice.feedAll(cursor)).entries).toEqual([])
    expect((await alice.conversation(conversationId)).messages).toHaveLength(1)
    const ok = await alice.postMessage(conversationId, { id: randomUUID(), kind: 'reply', body: 'Still here', basedOnSeq: cursor })
    expect(ok.status).toBe(201)
    expect((await server.request('/api/health')).body).toEqual({ ok: true })
  })
})
