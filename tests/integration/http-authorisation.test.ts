import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Workspace } from '../../shared/schemas/api.ts'
import { type AgentClient, TestServer } from '../support/server.ts'

// Every /api route but sign-in, tokens, the API channel, the OpenAPI document and health needs a
// signed-in agent; another account's things are "not found", never "forbidden", so ids can't be probed.

describe('HTTP authorisation', () => {
  let server: TestServer
  let alice: AgentClient
  let mallory: AgentClient
  let conversationId: string

  beforeAll(async () => {
    server = await TestServer.start()
    ;[alice, mallory] = await Promise.all([server.clientFor(server.acme.alice), server.clientFor(server.other.mallory)])
    ;({ conversationId } = await server.customerWrites({ email: 'hal@customer.test' }, 'Secret order details'))
  })
  afterAll(() => server.close())

  const protectedRoutes = (id: string) => [
    { method: 'GET', path: '/api/workspace' },
    { method: 'GET', path: '/api/feed?after=0' },
    { method: 'GET', path: `/api/conversations/${id}` },
    { method: 'PATCH', path: `/api/conversations/${id}`, json: { status: 'resolved' } },
    { method: 'POST', path: `/api/conversations/${id}/messages`, json: { id: randomUUID(), kind: 'reply', body: 'hi', basedOnSeq: 0 } },
    { method: 'POST', path: '/api/docs/sync', json: { docs: [{ id }] } },
  ]

  it('answers 401 with a JSON error without credentials, or with wrong ones', async () => {
    for (const route of protectedRoutes(conversationId)) {
      for (const auth of [{}, { token: 'api_wrong' }, { cookie: 'inbox_session=wrong' }, { token: 'x'.repeat(500) }]) {
        const res = await server.request<{ error: string }>(route.path, { method: route.method, json: route.json, ...auth })
        expect(res.status, `${route.method} ${route.path} ${JSON.stringify(auth).slice(0, 40)}`).toBe(401)
        expect(res.body.error).toMatch(/sign in/)
      }
    }
    // Nothing was changed by the refused requests.
    const view = await alice.conversation(conversationId)
    expect(view.conversation.status).toBe('open')
    expect(view.messages.map((m) => m.kind)).toEqual(['incoming'])
  })

  it('accepts the session cookie from sign-in and the bearer token from /api/auth/tokens', async () => {
    const cookie = await server.cookieFor(server.acme.bob)
    const byCookie = await server.request<Workspace>('/api/workspace', { cookie })
    expect(byCookie.status).toBe(200)
    expect(byCookie.body.me.email).toBe(server.acme.bob.email)
    expect(byCookie.body).not.toHaveProperty('me.passwordHash')
    const issued = await server.request<{ token: string }>('/api/auth/tokens', {
      json: { email: server.acme.alice.email, password: server.acme.alice.password, label: 'script' },
    })
    expect(issued.status).toBe(201)
    const byToken = await server.request<Workspace>('/api/workspace', { token: issued.body.token })
    expect(byToken.body.me.id).toBe(server.acme.alice.id)
    expect(byToken.body.agents.map((a) => a.name).sort()).toEqual(['Alice Martin', 'Bob Keller'])
  })

  it('refuses wrong passwords and unknown agents alike', async () => {
    for (const body of [
      { email: server.acme.alice.email, password: 'wrong' },
      { email: 'nobody@acme.test', password: 'wrong' },
    ]) {
      expect((await server.request('/api/auth/sign-in', { json: body })).status).toBe(401)
      expect((await server.request('/api/auth/tokens', { json: body })).status).toBe(401)
    }
  })

  it("answers 404 for another account's conversation, on every route, and changes nothing", async () => {
    const aboutConversation = (id: string) => protectedRoutes(id).filter((r) => r.path.includes(id) || r.path === '/api/docs/sync')
    const unknownId = randomUUID()
    const unknownRoutes = aboutConversation(unknownId)
    for (const [index, route] of aboutConversation(conversationId).entries()) {
      const res = await mallory.request<{ error: string }>(route.path, { method: route.method, json: route.json })
      expect(res.status, `${route.method} ${route.path}`).toBe(404)
      // The same answer as for an id that exists nowhere.
      const unknown = unknownRoutes[index]!
      const answer = await mallory.request(unknown.path, { method: unknown.method, json: unknown.json })
      expect(answer.status).toBe(404)
      expect(answer.text).toBe(res.text)
    }
    const view = await alice.conversation(conversationId)
    expect(view.conversation.status).toBe('open')
    expect(view.messages.map((m) => m.kind)).toEqual(['incoming'])
  })

  it("keeps each account's feed and workspace to itself", async () => {
    const theirs = await mallory.feedAll()
    expect(theirs.entries).toEqual([])
    const ws = await mallory.request<Workspace>('/api/workspace')
    expect(ws.body.account.id).toBe(server.other.accountId)
    expect(ws.body.agents.map((a) => a.email)).toEqual([server.other.mallory.email])
    expect(ws.body.inboxes.every((i) => i.accountId === server.other.accountId)).toBe(true)
    const ours = await alice.feedAll()
    expect(ours.entries.some((e) => e.kind === 'message' && e.message.body === 'Secret order details')).toBe(true)
  })

  it('the API channel takes only an API inbox token, not an agent token or another channel’s token', async () => {
    const message = { contact: { email: 'ivy@customer.test' }, body: 'hello' }
    for (const token of [undefined, 'inbox_wrong', alice.token, server.acme.websiteInbox.token]) {
      const res = await server.request('/api/channels/api/messages', { json: message, ...(token ? { token } : {}) })
      expect(res.status).toBe(401)
    }
    // Mallory's inbox token files into Mallory's account, never Acme's.
    const { conversationId: theirs } = await server.customerWrites({ email: 'ivy@customer.test' }, 'hello', server.other.apiInbox.token)
    expect((await mallory.conversation(theirs)).conversation.accountId).toBe(server.other.accountId)
    expect((await alice.request(`/api/conversations/${theirs}`)).status).toBe(404)
  })

  it('public routes answer without credentials', async () => {
    expect((await server.request('/api/health')).body).toEqual({ ok: true })
    expect((await server.request('/api/openapi.json')).status).toBe(200)
  })
})
