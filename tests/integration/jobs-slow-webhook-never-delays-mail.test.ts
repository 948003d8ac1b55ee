import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WebhookWithSecret } from '../../shared/schemas/webhooks.ts'
import { addEmailInbox, conversationsOf, sendMail, SUPPORT_ADDRESS } from '../support/email.ts'
import { eventually } from '../support/eventually.ts'
import { type AgentClient, expectStatus, TestServer } from '../support/server.ts'
import { WebhookReceiver } from '../support/webhook-receiver.ts'

// Each job kind has its own worker slots (server/jobs/runner.ts), and one webhook takes at most 2 of
// the 8 webhook slots. Receivers here hold their requests unanswered until the test lets them go (the
// timeout is far longer than the test), and the order of what happens is asserted: the mail is all
// out, or the other webhook all delivered, while those requests still hang. An earlier runner took 20
// jobs of any kind and waited for all, so the mail waited for the slowest receiver's timeout.

const WEBHOOK_SLOTS = 8
const PER_WEBHOOK = 2
const REPLIES = 5

describe('slow webhook receivers', () => {
  let server: TestServer
  let alice: AgentClient
  const receivers: WebhookReceiver[] = []
  const releases: (() => void)[] = []

  beforeAll(async () => {
    server = await TestServer.start({ env: { WEBHOOK_ALLOW_PRIVATE: '1', WEBHOOK_TIMEOUT_MS: '60000' } })
    alice = await server.clientFor(server.acme.alice)
  })
  afterAll(async () => {
    for (const release of releases) release()
    for (const receiver of receivers) await receiver.close()
    await server.close()
  })

  /** A receiver with its webhook; 'hang' receivers answer 200 only once `release` is called. */
  async function hook(mode: 'hang' | 'answer') {
    const receiver = await WebhookReceiver.start()
    receivers.push(receiver)
    const arrived: string[] = []
    let release: () => void = () => undefined
    const gate = new Promise<void>((resolve) => (release = resolve))
    releases.push(release)
    receiver.answer = async (delivery) => {
      arrived.push(delivery.deliveryId)
      if (mode === 'hang') await gate
      return 200
    }
    const { webhook, secret } = expectStatus(
      await alice.request<WebhookWithSecret>('/api/webhooks', { json: { url: receiver.url, events: ['message.created'] } }),
      201,
    )
    receiver.secret = secret
    return { receiver, arrived, release, id: webhook.id }
  }

  it('every reply is mailed while every webhook slot waits on a receiver', async () => {
    const hanging = await Promise.all(Array.from({ length: WEBHOOK_SLOTS / PER_WEBHOOK }, () => hook('hang')))
    // Three events for four webhooks: every slot ends up waiting, and deliveries are queued behind.
    for (let i = 0; i < 3; i++) await server.customerWrites({ email: `busy${i}@customer.test` }, `Message ${i}`)
    await eventually(() => expect(hanging.map((h) => h.arrived.length)).toEqual(hanging.map(() => PER_WEBHOOK)))

    const inbox = await addEmailInbox(server)
    await sendMail(server.ctx.email.inboundPort!, { from: 'Dana <dana@customer.test>', to: SUPPORT_ADDRESS, subject: 'Order', text: 'Where is it?' })
    const conversation = (await conversationsOf(server, 'dana@customer.test', inbox.id)).conversations[0]!
    const files: string[] = []
    for (let i = 0; i < REPLIES; i++) {
      const id = randomUUID()
      expectStatus(await alice.postMessage(conversation.id, { id, kind: 'reply', body: `Answer ${i}`, basedOnSeq: 0, force: true }), 201)
      files.push(path.join(server.dataDir, 'outbound-mail', `msg-${id}@acme.test.eml`))
    }

    await eventually(() => expect(files.filter((f) => !existsSync(f))).toEqual([]), { timeout: 10_000 })
    // Every mail is out, and no receiver has answered anything yet: the webhook slots all still wait.
    expect(hanging.flatMap((h) => h.receiver.log)).toEqual([])
    expect(hanging.map((h) => h.arrived.length)).toEqual(hanging.map(() => PER_WEBHOOK))

    for (const h of hanging) h.release()
    // The customers' messages, the mail's and the replies: each delivered to each, once answered.
    const events = 3 + 1 + REPLIES
    await eventually(() => expect(hanging.map((h) => h.receiver.of('message.created').length)).toEqual(hanging.map(() => events)), { timeout: 15_000 })
    for (const h of hanging) {
      expect(new Set(h.receiver.deliveries.map((d) => d.deliveryId)).size).toBe(events)
      expect(h.receiver.rejected).toEqual([])
      expectStatus(await alice.request(`/api/webhooks/${h.id}`, { method: 'DELETE' }), 204)
    }
  })

  it("one webhook's hanging receiver holds two webhook slots: another webhook's deliveries go on", async () => {
    const slow = await hook('hang')
    const healthy = await hook('answer')
    const sent: string[] = []
    for (let i = 0; i < 6; i++) sent.push((await server.customerWrites({ email: `burst${i}@customer.test` }, `Burst ${i}`)).messageId)

    await eventually(() => expect(healthy.receiver.of('message.created').map((d) => d.body.data.message.id).sort()).toEqual([...sent].sort()))
    // All delivered elsewhere, while the slow receiver still holds its first two, unanswered.
    expect(slow.arrived).toHaveLength(PER_WEBHOOK)
    expect(slow.receiver.log).toEqual([])

    slow.release()
    await eventually(() => expect(slow.receiver.of('message.created')).toHaveLength(sent.length), { timeout: 15_000 })
    expect(healthy.receiver.rejected).toEqual([])
    expect(slow.receiver.rejected).toEqual([])
  })
})
