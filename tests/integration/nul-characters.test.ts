import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AgentClient, TestServer } from '../support/server.ts'

// PostgreSQL refuses the NUL character in text (found by the route fuzzer: a team named "\u0000"
// answered 500 there). Every JSON body with one is refused with a 400 naming the field, on both
// backends, and nothing is written.
describe('the NUL character in a request', () => {
  let server: TestServer
  let admin: AgentClient

  beforeAll(async () => {
    server = await TestServer.start()
    admin = await server.clientFor(server.acme.alice)
  })
  afterAll(() => server.close())

  it('is refused with a 400 naming the field, and nothing is stored', async () => {
    const before = await admin.request<{ teams: { name: string }[] }>('/api/workspace')
    const res = await admin.request<{ error: string; fields: { path: string }[] }>('/api/teams', { json: { name: 'Night\u0000shift' } })
    expect(res.status).toBe(400)
    expect(res.body.fields[0]?.path).toBe('name')
    const after = await admin.request<{ teams: { name: string }[] }>('/api/workspace')
    expect(after.body.teams).toHaveLength(before.body.teams.length)
  })

  it('in a nested field of a customer message too; the same message without it is taken', async () => {
    const body = { contact: { email: `nul.${randomUUID()}@example.net`, name: 'Nul\u0000Name' }, body: 'Hello' }
    const refused = await server.request<{ fields: { path: string }[] }>('/api/channels/api/messages', { token: server.acme.apiInbox.token, json: body })
    expect(refused.status).toBe(400)
    expect(refused.body.fields[0]?.path).toBe('contact.name')
    const taken = await server.request('/api/channels/api/messages', { token: server.acme.apiInbox.token, json: { ...body, contact: { ...body.contact, name: 'Nul Name' } } })
    expect(taken.status).toBe(201)
  })

  it('a caller without access still gets 401, not 400', async () => {
    const res = await server.request('/api/teams', { json: { name: 'x\u0000' } })
    expect(res.status).toBe(401)
  })
})
