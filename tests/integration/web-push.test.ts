import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { PushMessage } from '../../shared/schemas/push.ts'
import { eventually } from '../support/eventually.ts'
import { PushEndpoint } from '../support/push-endpoint.ts'
import { type AgentClient, TestServer, expectStatus } from '../support/server.ts'

// Web Push (issue 12) against a local push service that checks the VAPID signature and decrypts each
// payload with the subscription's private key, as the browser would: the server's side end to end.

const message = (tag: string, extra: Partial<PushMessage> = {}): PushMessage => ({
  title: 'Bob mentioned you in #42',
  body: 'Can you look at the refund? 🙏',
  url: '/conversations/0b7c2f0e-6d7a-4d1c-9a55-2b1f3e8d9c10',
  tag,
  ...extra,
})

describe('Web Push', () => {
  let server: TestServer
  let pushService: PushEndpoint
  let alice: AgentClient
  let bob: AgentClient

  beforeAll(async () => {
    server = await TestServer.start({ env: { WEBHOOK_ALLOW_PRIVATE: '1' } })
    pushService = await PushEndpoint.start()
    alice = await server.clientFor(server.acme.alice)
    bob = await server.clientFor(server.acme.bob)
  })
  afterEach(() => expect(pushService.rejected).toEqual([]))
  afterAll(async () => {
    await server.close()
    await pushService.close()
  })

  // Node's client sends a DELETE's body only with a length (browsers always give one).
  const unsubscribe = (client: AgentClient, endpoint: string) => {
    const body = JSON.stringify({ endpoint })
    return client.request('/api/push/subscriptions', { method: 'DELETE', body, headers: { 'content-length': String(Buffer.byteLength(body)) } })
  }

  const notify = async (agentId: string, m: PushMessage) => {
    await server.ctx.push.notify(agentId, m)
    // The pushes are jobs: wait until the runner has sent them (no sleeping).
    await server.ctx.jobs.idle()
  }

  it('gives signed-in agents the VAPID public key, the same after a restart, and nobody else', async () => {
    expect((await server.request('/api/push/key')).status).toBe(401)
    const { publicKey } = expectStatus(await alice.request<{ publicKey: string }>('/api/push/key'), 200)
    expect(publicKey).toMatch(/^[A-Za-z0-9_-]{87}$/)
    expect(Buffer.from(publicKey, 'base64url')[0]).toBe(0x04)
    expect(expectStatus(await bob.request<{ publicKey: string }>('/api/push/key'), 200).publicKey).toBe(publicKey)
    await server.restart()
    alice = await server.clientFor(server.acme.alice)
    bob = await server.clientFor(server.acme.bob)
    expect(expectStatus(await alice.request<{ publicKey: string }>('/api/push/key'), 200).publicKey).toBe(publicKey)
  })

  it("pushes a notification to each of the agent's browsers, encrypted for each, signed with the server's key", async () => {
    const { publicKey } = expectStatus(await alice.request<{ publicKey: string }>('/api/push/key'), 200)
    const laptop = pushService.subscription()
    const phone = pushService.subscription()
    expectStatus(await alice.request('/api/push/subscriptions', { json: laptop }), 200)
    expectStatus(await alice.request('/api/push/subscriptions', { json: phone }), 200)

    await notify(server.acme.alice.id, message('n-1'))

    for (const browser of [laptop, phone]) {
      const [push, ...more] = pushService.of(browser)
      expect(more).toEqual([])
      expect(push!.message).toEqual(message('n-1'))
      expect(push!.vapidKey).toBe(publicKey)
      expect(push!.ttl).toBeGreaterThan(0)
    }
  })

  it('pushes one notification once to a browser, however often it is asked', async () => {
    const browser = pushService.subscription()
    expectStatus(await alice.request('/api/push/subscriptions', { json: browser }), 200)
    await notify(server.acme.alice.id, message('n-2'))
    await notify(server.acme.alice.id, message('n-2'))
    expect(pushService.of(browser).map((p) => (p.message as PushMessage).tag)).toEqual(['n-2'])
  })

  it("never pushes an agent's notification to another agent's browser", async () => {
    const alices = pushService.subscription()
    const bobs = pushService.subscription()
    expectStatus(await alice.request('/api/push/subscriptions', { json: alices }), 200)
    expectStatus(await bob.request('/api/push/subscriptions', { json: bobs }), 200)

    await notify(server.acme.alice.id, message('n-3', { title: 'For Alice' }))
    await notify(server.acme.bob.id, message('n-4', { title: 'For Bob' }))

    expect(pushService.of(alices).map((p) => (p.message as PushMessage).title)).toEqual(['For Alice'])
    expect(pushService.of(bobs).map((p) => (p.message as PushMessage).title)).toEqual(['For Bob'])
  })

  it("cannot remove or take over another agent's subscription", async () => {
    const bobs = pushService.subscription()
    expectStatus(await bob.request('/api/push/subscriptions', { json: bobs }), 200)
    expect((await unsubscribe(alice, bobs.endpoint)).status).toBe(404)
    // Bob's endpoint with Alice's own keys: refused, Bob's keys stay.
    const mine = pushService.subscription().toJSON()
    const takeover = await alice.request('/api/push/subscriptions', { json: { ...mine, endpoint: bobs.endpoint } })
    expect(takeover.status).toBe(409)

    await notify(server.acme.bob.id, message('n-5'))
    expect(pushService.of(bobs).map((p) => (p.message as PushMessage).tag)).toEqual(['n-5'])
  })

  it('the same browser, signed in as another agent, moves to that agent', async () => {
    const shared = pushService.subscription()
    expectStatus(await bob.request('/api/push/subscriptions', { json: shared }), 200)
    expectStatus(await alice.request('/api/push/subscriptions', { json: shared }), 200)
    await notify(server.acme.bob.id, message('n-6'))
    await notify(server.acme.alice.id, message('n-7'))
    expect(pushService.of(shared).map((p) => (p.message as PushMessage).tag)).toEqual(['n-7'])
  })

  it('stops pushing to a browser that turned notifications off', async () => {
    const browser = pushService.subscription()
    expectStatus(await alice.request('/api/push/subscriptions', { json: browser }), 200)
    expectStatus(await unsubscribe(alice, browser.endpoint), 200)
    await notify(server.acme.alice.id, message('n-8'))
    expect(pushService.log.filter((l) => l.subscriptionId === browser.id)).toEqual([])
  })

  it('deletes a subscription the push service says is gone (410), and pushes to it no more', async () => {
    const gone = pushService.subscription()
    const alive = pushService.subscription()
    expectStatus(await alice.request('/api/push/subscriptions', { json: gone }), 200)
    expectStatus(await alice.request('/api/push/subscriptions', { json: alive }), 200)
    pushService.answer = (id) => (id === gone.id ? 410 : 201)

    await notify(server.acme.alice.id, message('n-9'))
    expect(pushService.log.filter((l) => l.subscriptionId === gone.id).map((l) => l.status)).toEqual([410])
    const endpoints = (await server.ctx.store.push.listSubscriptions(server.acme.alice.id)).map((s) => s.endpoint)
    expect(endpoints).not.toContain(gone.endpoint)
    expect(endpoints).toContain(alive.endpoint)

    await notify(server.acme.alice.id, message('n-10'))
    expect(pushService.log.filter((l) => l.subscriptionId === gone.id)).toHaveLength(1)
    expect(pushService.of(alive).map((p) => (p.message as PushMessage).tag)).toEqual(['n-9', 'n-10'])
    pushService.answer = () => 201
  })

  it("a mention in a note is pushed to the mentioned agent's browser, with its words and conversation", async () => {
    const bobsBrowser = pushService.subscription()
    expectStatus(await bob.request('/api/push/subscriptions', { json: bobsBrowser }), 200)
    const { conversationId } = await server.customerWrites({ email: 'pia.push@customer.test', name: 'Pia Push' }, 'Where is my refund?')
    const { conversation } = await alice.conversation(conversationId)
    await alice.postMessage(conversationId, {
      id: randomUUID(),
      kind: 'note',
      body: '@Bob Keller can you look at this refund?',
      basedOnSeq: conversation.lastMessageSeq,
      mentions: [server.acme.bob.id],
    })
    const push = await eventually(() => {
      const [first] = pushService.of(bobsBrowser)
      expect(first).toBeDefined()
      return first!.message as PushMessage
    })
    expect(push.title).toBe(`${server.acme.alice.name} mentioned you in #${conversation.number}`)
    expect(push.body).toBe('@Bob Keller can you look at this refund?')
    expect(push.url).toBe(`/conversations/${conversationId}`)
    const notifications = (await bob.request<{ notifications: { id: string }[] }>('/api/notifications')).body.notifications
    expect(push.tag).toBe(notifications[0]!.id)
  })

  it('signing out everywhere stops the pushes to every browser of the agent', async () => {
    const bobElsewhere = await server.clientFor(server.acme.bob)
    const browsers = [pushService.subscription(), pushService.subscription()]
    for (const browser of browsers) expectStatus(await bobElsewhere.request('/api/push/subscriptions', { json: browser }), 200)
    expect(await server.ctx.store.push.listSubscriptions(server.acme.bob.id)).not.toEqual([])
    expectStatus(await bobElsewhere.request('/api/auth/sign-out-everywhere', { json: {} }), 200)
    expect(await server.ctx.store.push.listSubscriptions(server.acme.bob.id)).toEqual([])
    await notify(server.acme.bob.id, message('n-11'))
    for (const browser of browsers) expect(pushService.log.filter((l) => l.subscriptionId === browser.id)).toEqual([])
    bob = await server.clientFor(server.acme.bob)
  })

  it('refuses a subscription that is not one, naming the field', async () => {
    const good = pushService.subscription().toJSON()
    const cases: [unknown, string][] = [
      [{ ...good, endpoint: 'ftp://push.example.com/x' }, 'endpoint'],
      [{ ...good, endpoint: 'http://push.example.com/x' }, 'endpoint'],
      [{ ...good, keys: { ...good.keys, p256dh: 'short' } }, 'keys.p256dh'],
      [{ ...good, keys: { ...good.keys, auth: '***' } }, 'keys.auth'],
      [{ endpoint: good.endpoint }, 'keys'],
    ]
    for (const [body, field] of cases) {
      const res = await alice.request<{ fields: { path: string }[] }>('/api/push/subscriptions', { json: body })
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.body.fields.map((f) => f.path)).toContain(field)
    }
  })
})

describe('Web Push endpoints under the address policy', () => {
  let server: TestServer
  let alice: AgentClient

  beforeAll(async () => {
    server = await TestServer.start()
    alice = await server.clientFor(server.acme.alice)
  })
  afterAll(() => server.close())

  it('refuses loopback, private and plain-http endpoints unless private targets are allowed', async () => {
    const keys = { p256dh: Buffer.alloc(65, 4).toString('base64url'), auth: Buffer.alloc(16, 1).toString('base64url') }
    for (const endpoint of ['http://127.0.0.1:9/push/x', 'https://127.0.0.1/push/x', 'https://10.1.2.3/push/x', 'https://[::1]/push/x', 'http://push.example.com/x']) {
      const res = await alice.request<{ fields: { path: string }[] }>('/api/push/subscriptions', { json: { endpoint, keys } })
      expect(res.status, endpoint).toBe(400)
      expect(res.body.fields.map((f) => f.path)).toEqual(['endpoint'])
    }
    expectStatus(await alice.request('/api/push/subscriptions', { json: { endpoint: 'https://push.example.com/send/abc', keys } }), 200)
  })
})
