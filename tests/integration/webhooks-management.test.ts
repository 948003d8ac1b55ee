import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Webhook, WebhookDelivery, WebhookWithSecret } from '../../shared/schemas/webhooks.ts'
import { eventually } from '../support/eventually.ts'
import { type AgentClient, TestServer, expectStatus } from '../support/server.ts'
import { WebhookReceiver } from '../support/webhook-receiver.ts'

// Agents manage their account's webhooks; the secret is shown once; another account's webhooks and
// their logs are "not found", exactly like ones that do not exist.

describe('managing webhooks', () => {
  let server: TestServer
  let alice: AgentClient
  let bob: AgentClient
  let mallory: AgentClient

  beforeAll(async () => {
    server = await TestServer.start({ env: { WEBHOOK_ALLOW_PRIVATE: '1' } })
    ;[alice, bob, mallory] = await Promise.all([
      server.clientFor(server.acme.alice),
      server.clientFor(server.acme.bob),
      server.clientFor(server.other.mallory),
    ])
  })
  afterAll(() => server.close())

  const create = async (client: AgentClient, json: unknown) =>
    expectStatus(await client.request<WebhookWithSecret>('/api/webhooks', { json }), 201)
  const list = async (client: AgentClient) => expectStatus(await client.request<{ webhooks: Webhook[] }>('/api/webhooks'), 200).webhooks

  it('creates a webhook with a server-made secret, shown in that answer only', async () => {
    const created = await create(alice, { url: 'https://hooks.example.com/inbox', events: ['conversation.status_changed', 'message.created', 'message.created'] })
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/)
    expect(created.webhook).toEqual({
      id: expect.any(String),
      url: 'https://hooks.example.com/inbox',
      events: ['message.created', 'conversation.status_changed'],
      active: true,
      createdAt: expect.any(Number),
    })
    // The creator sees it without the secret; webhooks export every customer message, so an agent
    // who is not an administrator sees none of it.
    const res = await alice.request('/api/webhooks')
    expect(res.text).not.toContain(created.secret)
    expect((res.body as { webhooks: Webhook[] }).webhooks).toContainEqual(created.webhook)
    expect((await bob.request('/api/webhooks')).status).toBe(403)
    expect(await list(mallory)).toEqual([])
  })

  it('changes URL, events and active; a new secret replaces the old one', async () => {
    const { webhook, secret } = await create(alice, { url: 'http://hooks.example.com/a', events: ['message.created'] })
    const patched = expectStatus(
      await alice.request<{ webhook: Webhook }>(`/api/webhooks/${webhook.id}`, {
        method: 'PATCH',
        json: { url: 'https://hooks.example.com/b', events: ['conversation.assignee_changed'], active: false },
      }),
      200,
    ).webhook
    expect(patched).toEqual({ ...webhook, url: 'https://hooks.example.com/b', events: ['conversation.assignee_changed'], active: false })
    const renewed = expectStatus(await alice.request<WebhookWithSecret>(`/api/webhooks/${webhook.id}/secret`, { method: 'POST' }), 200)
    expect(renewed.secret).toMatch(/^whsec_/)
    expect(renewed.secret).not.toBe(secret)
    expect(renewed.webhook).toEqual(patched)
  })

  it('the new secret signs the deliveries from then on', async () => {
    const receiver = await WebhookReceiver.start()
    try {
      const { webhook } = await create(alice, { url: receiver.url, events: ['message.created'] })
      receiver.secret = expectStatus(await alice.request<WebhookWithSecret>(`/api/webhooks/${webhook.id}/secret`, { method: 'POST' }), 200).secret
      const { messageId } = await server.customerWrites({ email: 'nina@customer.test' }, 'Signed with the new one?')
      await eventually(() => expect(receiver.deliveries.map((d) => d.body.data.message.id)).toContain(messageId))
      expect(receiver.rejected).toEqual([])
    } finally {
      await receiver.close()
    }
  })

  it('deletes a webhook and its log', async () => {
    const { webhook } = await create(alice, { url: 'https://hooks.example.com/gone', events: ['message.created'] })
    const res = await alice.request(`/api/webhooks/${webhook.id}`, { method: 'DELETE' })
    expect(res.status).toBe(204)
    expect((await list(alice)).map((w) => w.id)).not.toContain(webhook.id)
    expect((await alice.request(`/api/webhooks/${webhook.id}/deliveries`)).status).toBe(404)
    expect((await alice.request(`/api/webhooks/${webhook.id}`, { method: 'DELETE' })).status).toBe(404)
  })

  it("another account's webhook and its log are 404, like one that does not exist, and stay as they were", async () => {
    const { webhook } = await create(alice, { url: 'https://hooks.example.com/acme', events: ['message.created'] })
    const attempts = (id: string) => [
      { method: 'PATCH', path: `/api/webhooks/${id}`, json: { active: false } },
      { method: 'DELETE', path: `/api/webhooks/${id}` },
      { method: 'POST', path: `/api/webhooks/${id}/secret` },
      { method: 'GET', path: `/api/webhooks/${id}/deliveries` },
    ]
    const unknown = attempts(randomUUID())
    for (const [i, a] of attempts(webhook.id).entries()) {
      const res = await mallory.request(a.path, { method: a.method, json: a.json })
      expect(res.status, `${a.method} ${a.path}`).toBe(404)
      const u = unknown[i]!
      expect((await mallory.request(u.path, { method: u.method, json: u.json })).text).toBe(res.text)
    }
    expect((await list(alice)).find((w) => w.id === webhook.id)).toEqual(webhook)
  })

  it('needs a signed-in agent', async () => {
    for (const [method, path] of [
      ['GET', '/api/webhooks'],
      ['POST', '/api/webhooks'],
      ['PATCH', `/api/webhooks/${randomUUID()}`],
      ['DELETE', `/api/webhooks/${randomUUID()}`],
      ['GET', `/api/webhooks/${randomUUID()}/deliveries`],
      ['POST', `/api/webhooks/${randomUUID()}/secret`],
    ] as const) {
      // An API inbox token is not an agent's.
      for (const token of [undefined, server.acme.apiInbox.token]) {
        const res = await server.request(path, { method, token, ...(method === 'POST' || method === 'PATCH' ? { json: { url: 'https://x.test', events: ['message.created'] } } : {}) })
        expect(res.status, `${method} ${path}`).toBe(401)
      }
    }
  })

  it('refuses invalid webhooks with 400 naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ url: 'ftp://hooks.example.com/x', events: ['message.created'] }, 'url'],
      [{ url: 'javascript:alert(1)', events: ['message.created'] }, 'url'],
      [{ url: 'hooks.example.com/no-scheme', events: ['message.created'] }, 'url'],
      [{ url: `https://example.com/${'x'.repeat(2100)}`, events: ['message.created'] }, 'url'],
      [{ events: ['message.created'] }, 'url'],
      [{ url: 'https://hooks.example.com/x', events: [] }, 'events'],
      [{ url: 'https://hooks.example.com/x', events: ['message.deleted'] }, 'events.0'],
      [{ url: 'https://hooks.example.com/x' }, 'events'],
    ]
    const before = (await list(alice)).length
    for (const [json, field] of cases) {
      const res = await alice.request<{ fields: { path: string }[] }>('/api/webhooks', { json })
      expect(res.status, JSON.stringify(json).slice(0, 80)).toBe(400)
      expect(res.body.fields.map((f) => f.path), JSON.stringify(json).slice(0, 80)).toContain(field)
    }
    const { webhook } = await create(alice, { url: 'https://hooks.example.com/valid', events: ['message.created'] })
    for (const [json, field] of [
      [{ url: 'file:///etc/passwd' }, 'url'],
      [{ events: [] }, 'events'],
      [{ active: 'yes' }, 'active'],
    ] as const) {
      const res = await alice.request<{ fields: { path: string }[] }>(`/api/webhooks/${webhook.id}`, { method: 'PATCH', json })
      expect(res.status).toBe(400)
      expect(res.body.fields.map((f) => f.path)).toContain(field)
    }
    expect(await list(alice)).toHaveLength(before + 1)
    const limit = await alice.request<{ fields: { path: string }[] }>(`/api/webhooks/${webhook.id}/deliveries?limit=0`)
    expect(limit.status).toBe(400)
    expect(limit.body.fields.map((f) => f.path)).toContain('limit')
  })

  it('the delivery log lists the newest first', async () => {
    const receiver = await WebhookReceiver.start()
    try {
      const { webhook, secret } = await create(alice, { url: receiver.url, events: ['message.created'] })
      receiver.secret = secret
      const sent: string[] = []
      for (const body of ['one', 'two', 'three']) {
        const { messageId } = await server.customerWrites({ email: 'log@customer.test' }, body)
        sent.push(messageId)
        await eventually(() => expect(receiver.deliveries.map((d) => d.body.data.message.id)).toContain(messageId))
      }
      const { deliveries } = expectStatus(await alice.request<{ deliveries: WebhookDelivery[] }>(`/api/webhooks/${webhook.id}/deliveries`), 200)
      const byDelivery = new Map(receiver.deliveries.map((d) => [d.deliveryId, d.body.data.message.id as string]))
      expect(deliveries.map((d) => byDelivery.get(d.id))).toEqual([...sent].reverse())
      expect(deliveries.every((d) => d.webhookId === webhook.id && d.status === 'delivered')).toBe(true)
      const one = expectStatus(await alice.request<{ deliveries: WebhookDelivery[] }>(`/api/webhooks/${webhook.id}/deliveries?limit=1`), 200)
      expect(one.deliveries.map((d) => d.id)).toEqual([deliveries[0]!.id])
    } finally {
      await receiver.close()
    }
  })

  it('is in the OpenAPI document', async () => {
    const doc = (await server.request<{ paths: Record<string, Record<string, { summary?: string }>> }>('/api/openapi.json')).body
    for (const [path, method] of [
      ['/api/webhooks', 'get'],
      ['/api/webhooks', 'post'],
      ['/api/webhooks/{id}', 'patch'],
      ['/api/webhooks/{id}', 'delete'],
      ['/api/webhooks/{id}/secret', 'post'],
      ['/api/webhooks/{id}/deliveries', 'get'],
    ] as const) {
      expect(doc.paths[path]?.[method]?.summary, `${method} ${path}`).toEqual(expect.any(String))
    }
  })
})
