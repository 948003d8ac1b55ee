import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { WebhookDelivery, WebhookWithSecret } from '../../shared/schemas/webhooks.ts'
import { eventually } from '../support/eventually.ts'
import { type AgentClient, TestServer, expectStatus } from '../support/server.ts'
import { type Answer, WebhookReceiver, closedPortUrl } from '../support/webhook-receiver.ts'

// A receiver that fails is retried with backoff (fast here: WEBHOOK_RETRY_BASE_MS=10), every attempt
// shows in the delivery log, and after WEBHOOK_MAX_ATTEMPTS the delivery is failed for good.

const MAX_ATTEMPTS = 3

describe('webhook retries', () => {
  let server: TestServer
  let alice: AgentClient
  const receivers: WebhookReceiver[] = []

  beforeAll(async () => {
    server = await TestServer.start({
      env: { WEBHOOK_RETRY_BASE_MS: '10', WEBHOOK_MAX_ATTEMPTS: String(MAX_ATTEMPTS), WEBHOOK_TIMEOUT_MS: '1000', WEBHOOK_ALLOW_PRIVATE: '1' },
    })
    alice = await server.clientFor(server.acme.alice)
  })
  afterEach(async () => {
    for (const r of receivers.splice(0)) {
      expect(r.rejected).toEqual([])
      await r.close()
    }
  })
  afterAll(() => server.close())

  /** A webhook for message.created at `url` (a receiver's, unless given); returns its id. */
  async function webhook(receiver: WebhookReceiver | null, url = receiver?.url ?? ''): Promise<string> {
    const created = expectStatus(await alice.request<WebhookWithSecret>('/api/webhooks', { json: { url, events: ['message.created'] } }), 201)
    if (receiver) receiver.secret = created.secret
    return created.webhook.id
  }

  async function receiver(answer: (nth: number) => Answer | Promise<Answer>): Promise<WebhookReceiver> {
    const r = await WebhookReceiver.start()
    r.answer = (_d, nth) => answer(nth)
    receivers.push(r)
    return r
  }

  const deliveriesOf = async (webhookId: string) =>
    expectStatus(await alice.request<{ deliveries: WebhookDelivery[] }>(`/api/webhooks/${webhookId}/deliveries`), 200).deliveries

  const settled = (webhookId: string) =>
    eventually(async () => {
      const [d] = await deliveriesOf(webhookId)
      expect(d?.status).toMatch(/^(delivered|failed)$/)
      return d!
    })

  it('a receiver answering 500, then 200, gets the same signed body twice; the log shows both attempts', async () => {
    let secondArrived!: () => void
    const arrived = new Promise<void>((resolve) => (secondArrived = resolve))
    let answerSecond!: () => void
    const answered = new Promise<void>((resolve) => (answerSecond = resolve))
    // The second attempt is held until the test has read the log as it stands between the two.
    const r = await receiver((nth) => {
      if (nth === 1) return 500
      secondArrived()
      return answered.then(() => 200)
    })
    const id = await webhook(r)
    const { messageId } = await server.customerWrites({ email: 'retry@customer.test' }, 'Is anyone there?')

    await arrived
    const [during] = await deliveriesOf(id)
    expect(during).toMatchObject({ status: 'retrying', attempts: 1, responseStatus: 500, lastError: 'HTTP 500', deliveredAt: null })
    answerSecond()

    const done = await settled(id)
    expect(done).toMatchObject({ status: 'delivered', attempts: 2, responseStatus: 200, deliveredAt: expect.any(Number) })
    expect(r.log.map((l) => l.answer)).toEqual([500, 200])
    expect(r.deliveries).toHaveLength(1)
    expect(r.deliveries[0]!.body.data.message.id).toBe(messageId)
    expect(r.deliveries[0]!.deliveryId).toBe(done.id)
  })

  it(`a receiver that is down: failed after ${MAX_ATTEMPTS} attempts, the connection error logged`, async () => {
    const id = await webhook(null, await closedPortUrl())
    await server.customerWrites({ email: 'down@customer.test' }, 'Hello?')
    const failed = await settled(id)
    expect(failed).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, responseStatus: null, deliveredAt: null })
    expect(failed.lastError).toMatch(/ECONNREFUSED/)
  })

  it(`a receiver that always answers 503: ${MAX_ATTEMPTS} attempts, then failed with the last status`, async () => {
    const r = await receiver(() => 503)
    const id = await webhook(r)
    await server.customerWrites({ email: 'busy@customer.test' }, 'Hello?')
    const failed = await settled(id)
    expect(failed).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, responseStatus: 503, lastError: 'HTTP 503' })
    expect(r.log.map((l) => l.answer)).toEqual([503, 503, 503])
    expect(new Set(r.log.map((l) => l.deliveryId))).toEqual(new Set([failed.id]))
    // Nothing more is tried once it failed.
    await server.ctx.jobs.idle()
    expect(r.log).toHaveLength(MAX_ATTEMPTS)
  })

  it('a receiver that does not answer in time is retried', async () => {
    const r = await receiver((nth) => (nth === 1 ? 'hang' : 200))
    const id = await webhook(r)
    await server.customerWrites({ email: 'slow@customer.test' }, 'Hello?')
    const done = await settled(id)
    expect(done).toMatchObject({ status: 'delivered', attempts: 2, responseStatus: 200, lastError: 'no answer within 1 s' })
  })

  it('a redirect is not followed: it counts as a failed attempt', async () => {
    const r = await receiver(() => 302)
    const id = await webhook(r)
    await server.customerWrites({ email: 'moved@customer.test' }, 'Hello?')
    const failed = await settled(id)
    expect(failed).toMatchObject({ status: 'failed', responseStatus: 302, lastError: 'HTTP 302 (redirects are not followed)' })
  })
})
