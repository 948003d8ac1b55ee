import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addEmailInbox, conversationsOf, sendMail, SUPPORT_ADDRESS } from '../support/email.ts'
import { type AgentClient, TestServer } from '../support/server.ts'

// Inbound mail is unauthenticated (hardening issue, item 6): a Message-ID is anyone's to write, so a
// mail is "the same mail" only for the same account, sender and Message-ID; and a From that the
// envelope or an upstream DMARC check contradicts is shown as "Sender not verified".

describe('Email channel: senders are not taken on trust', () => {
  let server: TestServer
  let alice: AgentClient
  let mallory: AgentClient
  let acmeInbox: { id: string; address: string }
  let otherInbox: { id: string; address: string }
  const port = () => server.ctx.email.inboundPort!

  beforeAll(async () => {
    server = await TestServer.start()
    alice = await server.clientFor(server.acme.alice)
    mallory = await server.clientFor(server.other.mallory)
    acmeInbox = await addEmailInbox(server)
    otherInbox = await addEmailInbox(server, 'help@other.test', server.other.accountId)
  })
  afterAll(() => server.close())

  /** The incoming messages of the sender's conversations in an inbox, oldest conversation first. */
  const incoming = async (client: AgentClient, email: string, inbox: { id: string }, accountId = server.acme.accountId) => {
    const { conversations } = await conversationsOf(server, email, inbox.id, accountId)
    const views = await Promise.all([...conversations].reverse().map((c) => client.conversation(c.id)))
    return views.flatMap((v) => v.messages.filter((m) => m.kind === 'incoming'))
  }

  it('a spoofed first copy of a Message-ID does not make the real mail a duplicate; replies thread to the real one', async () => {
    await sendMail(port(), {
      envelope: { from: 'mallory@evil.test', to: [SUPPORT_ADDRESS] },
      from: 'Dana Scully <dana.scully@evil.test>',
      to: SUPPORT_ADDRESS,
      subject: 'Invoice',
      messageId: '<invoice-7@customer.test>',
      text: 'Pay to my new account, please.',
    })
    await sendMail(port(), {
      from: 'Dana Scully <dana@customer.test>',
      to: SUPPORT_ADDRESS,
      subject: 'Invoice',
      messageId: '<invoice-7@customer.test>',
      text: 'Where is my invoice?',
    })
    const [spoof] = await incoming(alice, 'dana.scully@evil.test', acmeInbox)
    const real = await incoming(alice, 'dana@customer.test', acmeInbox)
    expect(spoof?.body).toBe('Pay to my new account, please.')
    expect(real.map((m) => m.body)).toEqual(['Where is my invoice?'])

    await sendMail(port(), {
      from: 'dana@customer.test',
      to: SUPPORT_ADDRESS,
      subject: 'Re: Invoice',
      messageId: '<invoice-8@customer.test>',
      inReplyTo: '<invoice-7@customer.test>',
      text: 'Any news?',
    })
    const after = await incoming(alice, 'dana@customer.test', acmeInbox)
    expect(after.map((m) => [m.conversationId, m.body])).toEqual([
      [real[0]!.conversationId, 'Where is my invoice?'],
      [real[0]!.conversationId, 'Any news?'],
    ])
  })

  it('the same sender and Message-ID twice is stored once', async () => {
    const mail = { from: 'byers@customer.test', to: SUPPORT_ADDRESS, subject: 'Once', messageId: '<once@customer.test>', text: 'Only once.' }
    await sendMail(port(), mail)
    await sendMail(port(), { ...mail, text: 'Only once (again).' })
    expect((await incoming(alice, 'byers@customer.test', acmeInbox)).map((m) => m.body)).toEqual(['Only once.'])
  })

  it('one mail to two workspaces is stored in each, and so is a second delivery to the other one', async () => {
    await sendMail(port(), {
      from: 'langly@customer.test',
      to: [SUPPORT_ADDRESS, 'help@other.test'],
      subject: 'To both',
      messageId: '<both@customer.test>',
      text: 'Hello to both of you.',
    })
    expect((await incoming(alice, 'langly@customer.test', acmeInbox)).map((m) => m.body)).toEqual(['Hello to both of you.'])
    expect((await incoming(mallory, 'langly@customer.test', otherInbox, server.other.accountId)).map((m) => m.body)).toEqual(['Hello to both of you.'])

    await sendMail(port(), { from: 'frohike@customer.test', to: SUPPORT_ADDRESS, subject: 'A', messageId: '<shared@customer.test>', text: 'For Acme.' })
    await sendMail(port(), { from: 'frohike@customer.test', to: 'help@other.test', subject: 'A', messageId: '<shared@customer.test>', text: 'For Other.' })
    expect((await incoming(alice, 'frohike@customer.test', acmeInbox)).map((m) => m.body)).toEqual(['For Acme.'])
    expect((await incoming(mallory, 'frohike@customer.test', otherInbox, server.other.accountId)).map((m) => m.body)).toEqual(['For Other.'])
  })

  it('"Sender not verified" when the From domain is not the envelope sender’s, or an upstream DMARC check failed', async () => {
    await sendMail(port(), { envelope: { from: 'bounce@mailer.evil.test', to: [SUPPORT_ADDRESS] }, from: 'ceo@bank.test', to: SUPPORT_ADDRESS, subject: 'Urgent', text: 'Wire the money.' })
    await sendMail(port(), {
      from: 'cfo@bank.test',
      to: SUPPORT_ADDRESS,
      subject: 'Also urgent',
      headers: { 'Authentication-Results': 'mx.acme.test; spf=pass smtp.mailfrom=bank.test; dmarc=fail (p=reject) header.from=bank.test' },
      text: 'Wire more money.',
    })
    await sendMail(port(), {
      envelope: { from: 'bounces+42@mail.bank.test', to: [SUPPORT_ADDRESS] },
      from: 'clerk@bank.test',
      to: SUPPORT_ADDRESS,
      subject: 'Statement',
      headers: { 'Authentication-Results': 'mx.acme.test; dmarc=pass header.from=bank.test' },
      text: 'Your statement is attached.',
    })
    const [ceo] = await incoming(alice, 'ceo@bank.test', acmeInbox)
    const [cfo] = await incoming(alice, 'cfo@bank.test', acmeInbox)
    const [clerk] = await incoming(alice, 'clerk@bank.test', acmeInbox)
    expect(ceo).toMatchObject({ body: 'Wire the money.', senderVerified: false })
    expect(cfo).toMatchObject({ body: 'Wire more money.', senderVerified: false })
    expect(clerk).toMatchObject({ body: 'Your statement is attached.', senderVerified: true })

    // Agents' own messages never carry the flag.
    const reply = await alice.postMessage(clerk!.conversationId, { id: crypto.randomUUID(), kind: 'note', body: 'Checked.', basedOnSeq: clerk!.seq })
    expect(reply.status).toBe(201)
    const note = (await alice.conversation(clerk!.conversationId)).messages.find((m) => m.kind === 'note')
    expect(note).toBeDefined()
    expect(note).not.toHaveProperty('senderVerified')
  })
})
