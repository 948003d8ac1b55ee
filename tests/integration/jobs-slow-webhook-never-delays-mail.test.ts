import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WebhookWithSecret } from '../../shared/schemas/webhooks.ts'
import { addEmailInbox, conversationsOf, sendMail, SUPPORT_ADDRESS } from '../support/email.ts'
import { eventually } from '../support/eventually.ts'
import { type AgentClient, expectStatus, TestServer } from '../support/server.ts'
import { WebhookReceiver } from '../support/webhook-receiver.ts'

// Each job kind has its own worker slots (server/jobs/runner.ts): a webhook receiver that hangs holds
// webhook slots only. Here every webhook slot is taken by a request the receiver does not answer, and
// replies in an Email inbox are all written (as .eml files: no SMTP_URL) while those requests still
// hang; only then does the receiver answer. An earlier runner took 20 jobs of any kind and waited
// for all, so the mail waited for the receiver's timeout.

const WEBHOOK_SLOTS = 8
const REPLIES = 5

describe('a slow webhook receiver never delays mail', () => {
  let server: TestServer
  let receiver: WebhookReceiver
  let alice: AgentClient
  let release: () => void = () => undefined

  beforeAll(async () => {
    // The timeout is far longer than the test: the hanging requests end only when the receiver answers.
    server = await TestServer.start({ env: { WEBHOOK_ALLOW_PRIVATE: '1', WEBHOOK_TIMEOUT_MS: '60000' } })
    alice = await server.clientFor(server.acme.alice)
    receiver = await WebhookReceiver.start()
  })
  afterAll(async () => {
    release()
    await receiver.close()
    await server.close()
  })

  it('sends every reply while the webhook deliveries are still hanging', async () => {
    const gate = new Promise<void>((resolve) => (release = resolve))
    const arrived: string[] = []
    receiver.answer = async (delivery) => {
      arrived.push(delivery.deliveryId)
      await gate
      return 200
    }
    const { secret } = expectStatus(
      await alice.request<WebhookWithSecret>('/api/webhooks', {
        json: { url: receiver.url, events: ['message.created', 'conversation.status_changed', 'conversation.assignee_changed'] },
      }),
      201,
    )
    receiver.secret = secret

    // More events than webhook slots: every slot ends up waiting on the receiver, one is queued.
    for (let i = 0; i <= WEBHOOK_SLOTS; i++) await server.customerWrites({ email: `busy${i}@customer.test` }, `Message ${i}`)
    await eventually(() => expect(arrived).toHaveLength(WEBHOOK_SLOTS))

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
    // Every mail is out, and the receiver has answered nothing yet: the webhook slots are all still
    // waiting on it, and the deliveries queued behind them have not started.
    expect(receiver.log).toEqual([])
    expect(arrived).toHaveLength(WEBHOOK_SLOTS)

    release()
    // The customers' messages, the mail's and the replies: each delivered once the receiver answers.
    const expected = WEBHOOK_SLOTS + 1 + 1 + REPLIES
    await eventually(() => expect(receiver.of('message.created')).toHaveLength(expected), { timeout: 10_000 })
    expect(new Set(receiver.deliveries.map((d) => d.deliveryId)).size).toBe(receiver.deliveries.length)
    expect(receiver.rejected).toEqual([])
  })
})
