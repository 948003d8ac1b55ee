import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SEND_JOB } from '../../server/channels/email/outbound-mail.ts'
import { addEmailInbox, conversationsOf, sendMail, SUPPORT_ADDRESS } from '../support/email.ts'
import { eventually } from '../support/eventually.ts'
import { type AgentClient, expectStatus, TestServer } from '../support/server.ts'
import { SmtpSink } from '../support/smtp-sink.ts'

// A reply whose mail is never accepted (the customer's server answers "try again later" every time)
// is given up after MAIL_MAX_ATTEMPTS, and the agents read it in the timeline, as for a 5xx refusal.

const MAX_ATTEMPTS = 3

describe('Email channel: every attempt to send a reply fails', () => {
  let sink: SmtpSink
  let server: TestServer
  let alice: AgentClient

  beforeAll(async () => {
    sink = await SmtpSink.start(() => 'tempfail')
    server = await TestServer.start({ env: { SMTP_URL: sink.url, MAIL_MAX_ATTEMPTS: String(MAX_ATTEMPTS), MAIL_RETRY_BASE_MS: '10' } })
    alice = await server.clientFor(server.acme.alice)
  })
  afterAll(async () => {
    await server.close()
    await sink.close()
  })

  it('gives up after the last attempt and says so in the timeline, once', async () => {
    const inbox = await addEmailInbox(server)
    await sendMail(server.ctx.email.inboundPort!, { from: 'Hal <hal@customer.test>', to: SUPPORT_ADDRESS, subject: 'Pod bay doors', text: 'Open them.' })
    const conversation = (await conversationsOf(server, 'hal@customer.test', inbox.id)).conversations[0]!
    const id = randomUUID()
    expectStatus(await alice.postMessage(conversation.id, { id, kind: 'reply', body: 'I am afraid we cannot.', basedOnSeq: conversation.lastMessageSeq }), 201)

    const view = await eventually(
      async () => {
        const v = await alice.conversation(conversation.id)
        expect(v.messages.at(-1)).toMatchObject({
          kind: 'activity',
          body: expect.stringMatching(new RegExp(`^The reply could not be sent by email \\(gave up after ${MAX_ATTEMPTS} attempts\\): .*451`)),
        })
        return v
      },
      { timeout: 10_000 },
    )
    await server.ctx.jobs.idle()
    expect(view.messages.filter((m) => m.kind === 'activity')).toHaveLength(1)
    expect(sink.received(`<msg-${id}@acme.test>`).map((d) => d.accepted)).toEqual(Array(MAX_ATTEMPTS).fill(false))
    const job = (await server.ctx.store.jobs.list(SEND_JOB, server.acme.accountId, 10)).find((j) => (j.payload as { messageId: string }).messageId === id)
    expect(job).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS })
  })
})
