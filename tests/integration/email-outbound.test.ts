import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SEND_JOB } from '../../server/channels/email/outbound-mail.ts'
import { addEmailInbox, conversationsOf, sendMail, SUPPORT_ADDRESS } from '../support/email.ts'
import { eventually } from '../support/eventually.ts'
import { type AgentClient, expectStatus, TestServer } from '../support/server.ts'
import { SmtpSink } from '../support/smtp-sink.ts'

// Agents' replies in an Email inbox leave by real SMTP (SMTP_URL) to a test mail server: headers that
// thread in the customer's mail program, attachments, and never a note (DESIGN §4 rules 5 and 7).

describe('Email channel: replies by mail', () => {
  let sink: SmtpSink
  let server: TestServer
  let alice: AgentClient
  let inbox: { id: string; address: string }

  beforeAll(async () => {
    // A mailbox that does not exist, for the permanent failure.
    sink = await SmtpSink.start((_, d) => (d.envelope.to.includes('gone@customer.test') ? 'reject' : 'accept'))
    server = await TestServer.start({ env: { SMTP_URL: sink.url } })
    alice = await server.clientFor(server.acme.alice)
    inbox = await addEmailInbox(server)
  })
  afterAll(async () => {
    await server.close()
    await sink.close()
  })

  const customerWrites = async (from: string, mail: Parameters<typeof sendMail>[1]) => {
    await sendMail(server.ctx.email.inboundPort!, { from, to: SUPPORT_ADDRESS, ...mail })
    const { conversations } = await conversationsOf(server, from.match(/<(.+)>/)?.[1] ?? from, inbox.id)
    return conversations[0]!
  }
  const reply = async (conversationId: string, body: string, extra: { attachmentIds?: string[]; kind?: 'reply' | 'note' } = {}) => {
    const view = await alice.conversation(conversationId)
    const id = randomUUID()
    const res = await alice.postMessage(conversationId, {
      id,
      kind: extra.kind ?? 'reply',
      body,
      basedOnSeq: view.conversation.lastMessageSeq,
      ...(extra.attachmentIds ? { attachmentIds: extra.attachmentIds } : {}),
    })
    expectStatus(res, 201)
    return { id, rfcId: `<msg-${id}@acme.test>` }
  }
  const deliveredMail = (rfcId: string) =>
    eventually(() => {
      const mail = sink.delivered().get(rfcId)
      expect(mail).toBeDefined()
      return mail!
    })

  it('sends the reply from the inbox address to the customer, threaded, with its attachment and a safe HTML part', async () => {
    const conversation = await customerWrites('"Dana Scully" <dana@customer.test>', {
      subject: 'Where is my order?',
      messageId: '<order-1@customer.test>',
      text: 'Order 1001 has not arrived.',
    })
    const label = Buffer.from('%PDF-1.4 shipping label \u0000\u00ff')
    const upload = await fetch(`${server.url}/api/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/pdf', 'x-file-name': encodeURIComponent('label 1001.pdf') },
      body: new Uint8Array(label),
    })
    expect(upload.status).toBe(201)
    const attachmentId = ((await upload.json()) as { attachment: { id: string } }).attachment.id
    const first = await reply(conversation.id, 'We **shipped** it today.\n\n<script>alert(1)</script>', { attachmentIds: [attachmentId] })

    const mail = await deliveredMail(first.rfcId)
    expect(mail.subject).toBe('Re: Where is my order?')
    expect(mail.from).toMatchObject({ value: [{ address: SUPPORT_ADDRESS, name: 'Alice Martin' }] })
    expect(mail.to).toMatchObject({ value: [{ address: 'dana@customer.test', name: 'Dana Scully' }] })
    expect(mail.inReplyTo).toBe('<order-1@customer.test>')
    expect(mail.references).toBe('<order-1@customer.test>')
    expect(mail.text?.trim()).toBe('We **shipped** it today.\n\n<script>alert(1)</script>')
    expect(mail.html).toContain('<strong>shipped</strong>')
    expect(mail.html).not.toContain('<script')
    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([['label 1001.pdf', 'application/pdf']])
    expect(mail.attachments[0]!.content).toEqual(label)
    const delivery = sink.received(first.rfcId)[0]!
    expect(delivery.envelope).toEqual({ from: SUPPORT_ADDRESS, to: ['dana@customer.test'] })

    // The customer answers our mail; the next reply answers theirs and carries the whole chain.
    const again = await customerWrites('dana@customer.test', {
      subject: 'Re: Where is my order?',
      messageId: '<order-2@customer.test>',
      inReplyTo: first.rfcId,
      references: ['<order-1@customer.test>', first.rfcId],
      text: 'Got it, thanks!',
    })
    expect(again.id).toBe(conversation.id)
    const second = await reply(conversation.id, 'Glad to hear it.')
    const mail2 = await deliveredMail(second.rfcId)
    expect(mail2.subject).toBe('Re: Where is my order?')
    expect(mail2.inReplyTo).toBe('<order-2@customer.test>')
    expect(mail2.references).toEqual(['<order-1@customer.test>', first.rfcId, '<order-2@customer.test>'])
  })

  it('never sends a note or an activity line; a reply in another channel is not mailed', async () => {
    const conversation = await customerWrites('mulder@customer.test', { subject: 'Lights in the sky', text: 'I saw them again.' })
    const note = await reply(conversation.id, 'INTERNAL: do not tell him about the lab', { kind: 'note' })
    await alice.patch(conversation.id, { assigneeId: server.acme.alice.id, status: 'pending' })
    const apiConversation = await server.customerWrites({ email: 'mulder@customer.test', name: 'Fox Mulder' }, 'Via the API')
    const apiReply = await reply(apiConversation.conversationId, 'Answered in the API channel')
    const answer = await reply(conversation.id, 'We will look into it.')

    await deliveredMail(answer.rfcId)
    const toMulder = sink.deliveries.filter((d) => d.envelope.to.includes('mulder@customer.test'))
    expect(toMulder.map((d) => d.mail.messageId)).toEqual([answer.rfcId])
    expect(toMulder.map((d) => d.raw.toString()).join('\n')).not.toContain('INTERNAL')
    const queued = (await server.ctx.store.jobs.list(SEND_JOB, server.acme.accountId, 100)).map((j) => (j.payload as { messageId: string }).messageId)
    expect(queued).toContain(answer.id)
    expect(queued).not.toContain(note.id)
    expect(queued).not.toContain(apiReply.id)
  })

  it('a conversation whose mail had no subject is answered as "Your conversation #<number>"', async () => {
    const conversation = await customerWrites('scully@customer.test', { text: 'No subject here.' })
    const sent = await reply(conversation.id, 'Hello!')
    expect((await deliveredMail(sent.rfcId)).subject).toBe(`Your conversation #${conversation.number}`)
  })

  it('a reply the customer\'s server refuses for good (5xx) is not retried, and the agents read why in the timeline', async () => {
    const conversation = await customerWrites('gone@customer.test', { subject: 'Bye', text: 'I am leaving the company.' })
    const sent = await reply(conversation.id, 'Sorry to see you go.')
    const view = await eventually(async () => {
      const v = await alice.conversation(conversation.id)
      expect(v.messages.at(-1)).toMatchObject({ kind: 'activity', body: expect.stringMatching(/^The reply could not be sent by email: .*550/) })
      return v
    })
    expect(view.messages.filter((m) => m.kind === 'activity')).toHaveLength(1)
    const job = (await server.ctx.store.jobs.list(SEND_JOB, server.acme.accountId, 100)).find((j) => (j.payload as { messageId: string }).messageId === sent.id)
    expect(job).toMatchObject({ status: 'failed', attempts: 1 })
    expect(sink.received(sent.rfcId).map((d) => d.accepted)).toEqual([false])
  })
})

describe('Email channel: a restart while a reply is being sent', () => {
  it('re-sends the same Message-ID after a failed attempt and a restart, and never a second different mail', async () => {
    // The first attempt reaches the customer's server, which then answers 451: the mail is there, but
    // the sender does not know it (as after a crash between their 250 and our records).
    const sink = await SmtpSink.start((index) => (index === 0 ? 'tempfail' : 'accept'))
    const server = await TestServer.start({ env: { SMTP_URL: sink.url } })
    try {
      const alice = await server.clientFor(server.acme.alice)
      const inbox = await addEmailInbox(server)
      await sendMail(server.ctx.email.inboundPort!, { from: 'krycek@customer.test', to: SUPPORT_ADDRESS, subject: 'Once', messageId: '<once@customer.test>', text: 'Answer once.' })
      const [conversation] = (await conversationsOf(server, 'krycek@customer.test', inbox.id)).conversations
      const id = randomUUID()
      expectStatus(await alice.postMessage(conversation!.id, { id, kind: 'reply', body: 'Only one mail.', basedOnSeq: conversation!.lastMessageSeq }), 201)
      const rfcId = `<msg-${id}@acme.test>`

      await eventually(() => expect(sink.deliveries).toHaveLength(1))
      await server.restart()
      await eventually(() => expect(sink.delivered().has(rfcId)).toBe(true), { timeout: 10_000 })

      const attempts = sink.received(rfcId)
      expect(attempts.map((a) => a.accepted)).toEqual([false, true])
      expect(new Set(sink.deliveries.map((d) => d.mail.messageId))).toEqual(new Set([rfcId]))
      for (const a of attempts) expect([a.mail.subject, a.mail.inReplyTo, a.mail.text?.trim()]).toEqual(['Re: Once', '<once@customer.test>', 'Only one mail.'])
      // The sink has the mail a moment before our side has written down its 250 (a round trip to
      // PostgreSQL, not a local write).
      await eventually(async () => {
        const [job] = await server.ctx.store.jobs.list(SEND_JOB, server.acme.accountId, 10)
        expect(job).toMatchObject({ status: 'done', attempts: 2 })
      })

      // Nothing is left to send: another restart sends nothing.
      await server.restart()
      await server.ctx.jobs.idle()
      expect(sink.deliveries).toHaveLength(2)
    } finally {
      await server.close()
      await sink.close()
    }
  })
})
