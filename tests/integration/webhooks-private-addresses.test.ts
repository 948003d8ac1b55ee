import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WebhookDelivery, WebhookWithSecret } from '../../shared/schemas/webhooks.ts'
import { eventually } from '../support/eventually.ts'
import { type AgentClient, TestServer, expectStatus } from '../support/server.ts'
import { WebhookReceiver } from '../support/webhook-receiver.ts'

// Webhooks never reach the server's own network (SSRF) unless WEBHOOK_ALLOW_PRIVATE=1: a literal
// private address is refused when the webhook is saved, a host name on what it resolves to at each
// delivery, and a refusal is logged without any connection being made.

const FORBIDDEN = [
  'http://127.0.0.1:9000/h', // loopback
  'http://10.1.2.3/h', // private
  'http://172.16.5.4/h',
  'http://192.168.1.10/h',
  'http://169.254.169.254/latest/meta-data/', // link-local: cloud metadata
  'http://100.64.1.1/h', // carrier-grade NAT
  'http://224.0.0.1/h', // multicast
  'http://0.0.0.0:8080/h', // unspecified
  'http://2130706433/h', // 127.0.0.1 spelled as a number
  'http://[::1]:9000/h', // IPv6 loopback
  'http://[::]/h', // IPv6 unspecified
  'http://[fe80::1]/h', // IPv6 link-local
  'http://[fd00::1]/h', // IPv6 unique local
  'http://[ff02::1]/h', // IPv6 multicast
  'http://[::ffff:127.0.0.1]/h', // IPv4-mapped loopback
  'http://[::ffff:a9fe:a9fe]/h', // IPv4-mapped 169.254.169.254
]

async function addWebhook(client: AgentClient, url: string) {
  return client.request<WebhookWithSecret & { error: string; fields: { path: string; message: string }[] }>('/api/webhooks', {
    json: { url, events: ['message.created'] },
  })
}

describe('webhooks refuse private addresses by default', () => {
  let server: TestServer
  let alice: AgentClient
  let receiver: WebhookReceiver

  beforeAll(async () => {
    server = await TestServer.start()
    alice = await server.clientFor(server.acme.alice)
    receiver = await WebhookReceiver.start()
  })
  afterAll(async () => {
    await server.close()
    await receiver.close()
  })

  it('refuses each private, loopback, link-local, unique-local, CGNAT, multicast and unspecified address at creation, naming url', async () => {
    for (const url of FORBIDDEN) {
      const res = await addWebhook(alice, url)
      expect(res.status, url).toBe(400)
      expect(res.body.fields, url).toEqual([{ path: 'url', message: expect.stringMatching(/private/) }])
    }
    expect(expectStatus(await alice.request<{ webhooks: unknown[] }>('/api/webhooks'), 200).webhooks).toEqual([])
  })

  it('refuses a change of URL to a private address, and keeps the old one', async () => {
    const { webhook } = expectStatus(await addWebhook(alice, 'https://hooks.example.com/public'), 201)
    const res = await alice.request<{ fields: { path: string }[] }>(`/api/webhooks/${webhook.id}`, {
      method: 'PATCH',
      json: { url: 'http://[::ffff:10.0.0.1]/internal' },
    })
    expect(res.status).toBe(400)
    expect(res.body.fields.map((f) => f.path)).toEqual(['url'])
    const listed = expectStatus(await alice.request<{ webhooks: { id: string; url: string }[] }>('/api/webhooks'), 200).webhooks
    expect(listed.find((w) => w.id === webhook.id)?.url).toBe('https://hooks.example.com/public')
    expectStatus(await alice.request(`/api/webhooks/${webhook.id}`, { method: 'DELETE' }), 204)
  })

  it('refuses at delivery a host name that resolves to 127.0.0.1, without connecting to it', async () => {
    // `localhost` is a name, so it is saved; what it resolves to is judged when a delivery is made.
    const port = new URL(receiver.url).port
    const { webhook, secret } = expectStatus(await addWebhook(alice, `http://localhost:${port}/hooks/inbox`), 201)
    receiver.secret = secret
    await server.customerWrites({ email: 'rebind@customer.test' }, 'Hello from a name that points home')
    const failed = await eventually(async () => {
      const { deliveries } = expectStatus(await alice.request<{ deliveries: WebhookDelivery[] }>(`/api/webhooks/${webhook.id}/deliveries`), 200)
      expect(deliveries[0]?.status).toBe('failed')
      return deliveries[0]!
    })
    // Refused once and for all (no retries), in words that say nothing of what listens there.
    expect(failed).toMatchObject({ event: 'message.created', attempts: 1, responseStatus: null, lastError: 'refused: private address' })
    await server.ctx.jobs.idle()
    expect(receiver.log).toEqual([])
  })
})

describe('WEBHOOK_ALLOW_PRIVATE=1 allows receivers in a private network', () => {
  let server: TestServer
  let receiver: WebhookReceiver

  beforeAll(async () => {
    server = await TestServer.start({ env: { WEBHOOK_ALLOW_PRIVATE: '1' } })
    receiver = await WebhookReceiver.start()
  })
  afterAll(async () => {
    await server.close()
    await receiver.close()
  })

  it('saves a loopback address and delivers to a name that resolves to 127.0.0.1', async () => {
    const alice = await server.clientFor(server.acme.alice)
    expectStatus(await addWebhook(alice, 'http://[::1]:9/h'), 201)
    const port = new URL(receiver.url).port
    const { secret } = expectStatus(await addWebhook(alice, `http://localhost:${port}/hooks/inbox`), 201)
    receiver.secret = secret
    const { messageId } = await server.customerWrites({ email: 'inside@customer.test' }, 'Delivered inside the network')
    await eventually(() => expect(receiver.of('message.created').map((d) => d.body.data.message.id)).toContain(messageId))
    expect(receiver.rejected).toEqual([])
  })
})
