import { randomUUID } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { simpleParser } from 'mailparser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addEmailInbox, conversationsOf, sendMail, sendMailRefused, SUPPORT_ADDRESS } from '../support/email.ts'
import { eventually } from '../support/eventually.ts'
import { activityLines, type AgentClient, TestServer } from '../support/server.ts'

// Customers' mail over real SMTP into the Email inbox: contact, conversation, trimmed text, kept
// attachments, threading by Message-ID, duplicates and refusals. This server has no SMTP_URL, so its
// replies are written as .eml files under DATA_DIR/outbound-mail (read here to answer them).

describe('Email channel: incoming mail', () => {
  let server: TestServer
  let alice: AgentClient
  let inbox: { id: string; address: string }
  const port = () => server.ctx.email.inboundPort!

  beforeAll(async () => {
    server = await TestServer.start()
    alice = await server.clientFor(server.acme.alice)
    inbox = await addEmailInbox(server)
  })
  afterAll(() => server.close())

  const onlyConversation = async (email: string) => {
    const { contact, conversations } = await conversationsOf(server, email, inbox.id)
    expect(conversations).toHaveLength(1)
    return { contact: contact!, conversation: conversations[0]! }
  }

  it('a mail becomes an incoming message from the sender, quote trimmed, attachment downloadable by an agent', async () => {
    const pdf = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x2d, 0x00, 0xff, 0x10, 0x80, 0x0a])
    await sendMail(port(), {
      from: '"Dana Scully" <Dana@Customer.test>',
      to: 'Acme Support <support@acme.test>',
      subject: 'Invoice 42 is wrong',
      messageId: '<dana-1@customer.test>',
      text: [
        'Hello,',
        '',
        'my invoice shows 3 seats, we have 2.',
        '',
        'Dana',
        '',
        'On Mon, 1 Jan 2024 at 10:00, Acme Support <support@acme.test>',
        'wrote:',
        '> We are happy to help.',
        '> Anything else?',
      ].join('\r\n'),
      attachments: [{ filename: 'invoice 42.pdf', contentType: 'application/pdf', content: pdf }],
    })
    // The 250 comes once the mail is stored: no waiting needed.
    const { contact, conversation } = await onlyConversation('dana@customer.test')
    expect(contact).toMatchObject({ name: 'Dana Scully', email: 'dana@customer.test' })
    expect(conversation).toMatchObject({ status: 'open', accountId: server.acme.accountId })
    const view = await alice.conversation(conversation.id)
    expect(view.messages).toHaveLength(1)
    const message = view.messages[0]!
    expect(message).toMatchObject({ kind: 'incoming', authorAgentId: null, body: 'Hello,\n\nmy invoice shows 3 seats, we have 2.\n\nDana' })
    expect(message.attachments).toEqual([expect.objectContaining({ name: 'invoice 42.pdf', contentType: 'application/pdf', size: pdf.length })])

    const download = await fetch(`${server.url}/api/attachments/${message.attachments[0]!.id}`, {
      headers: { authorization: `Bearer ${alice.token}` },
    })
    expect(download.status).toBe(200)
    expect(Buffer.from(await download.arrayBuffer())).toEqual(pdf)
  })

  it('an HTML-only mail is stored as plain text: no markup, scripts, styles, tracking images or quoted history', async () => {
    await sendMail(port(), {
      from: 'Eve Moneypenny <eve@customer.test>',
      to: SUPPORT_ADDRESS,
      subject: 'Export',
      html: [
        '<html><head><style>p { color: red }</style><script>alert("head")</script></head><body>',
        '<p>Hi <b>team</b>,</p>',
        '<p>the export fails on <a href="https://app.customer.test/export">the export page</a> &amp; ',
        '<img src="https://tracker.test/pixel.png" onerror="alert(1)">nothing else&nbsp;works.</p>',
        '<p onclick="steal()">&lt;script&gt; is text here</p><script>alert("body")</script>',
        '<div class="gmail_quote"><div class="gmail_attr">On Tue, Bob wrote:</div>',
        '<blockquote class="gmail_quote">Old <i>history</i> <blockquote>older</blockquote> still quoted</blockquote></div>',
        '</body></html>',
      ].join('\n'),
    })
    const { conversation } = await onlyConversation('eve@customer.test')
    const [message] = (await alice.conversation(conversation.id)).messages
    expect(message!.body).toBe(
      'Hi team,\n\nthe export fails on the export page (https://app.customer.test/export) & nothing else works.\n\n<script> is text here',
    )
  })

  it('a reply to our mail threads into its conversation and reopens it when resolved (outbound written as .eml without SMTP_URL)', async () => {
    const { conversation } = await onlyConversation('dana@customer.test')
    const replyId = randomUUID()
    const posted = await alice.postMessage(conversation.id, { id: replyId, kind: 'reply', body: 'Fixed: **2 seats**.', basedOnSeq: conversation.lastMessageSeq })
    expect(posted.status).toBe(201)

    const dir = path.join(server.dataDir, 'outbound-mail')
    const file = await eventually(async () => {
      const files = (await readdir(dir).catch(() => [])).filter((f) => f.endsWith('.eml'))
      expect(files).toEqual([`msg-${replyId}@acme.test.eml`])
      return path.join(dir, files[0]!)
    })
    const ours = await simpleParser(await readFile(file))
    expect(ours.messageId).toBe(`<msg-${replyId}@acme.test>`)
    expect(ours.subject).toBe('Re: Invoice 42 is wrong')
    expect(ours.inReplyTo).toBe('<dana-1@customer.test>')
    expect(ours.to).toMatchObject({ value: [{ address: 'dana@customer.test', name: 'Dana Scully' }] })
    expect(ours.from).toMatchObject({ value: [{ address: SUPPORT_ADDRESS, name: 'Alice Martin' }] })
    expect(ours.text?.trim()).toBe('Fixed: **2 seats**.')
    expect(ours.html).toContain('<strong>2 seats</strong>')

    await alice.patch(conversation.id, { status: 'resolved' })
    await sendMail(port(), {
      from: 'Dana Scully <dana@customer.test>',
      to: SUPPORT_ADDRESS,
      subject: 'Re: Invoice 42 is wrong',
      messageId: '<dana-2@customer.test>',
      inReplyTo: ours.messageId!,
      references: ['<dana-1@customer.test>', ours.messageId!],
      text: 'Thanks, that works.\n\nOn Tue, Alice Martin <support@acme.test> wrote:\n> Fixed: **2 seats**.',
    })
    const again = await onlyConversation('dana@customer.test')
    expect(again.conversation.id).toBe(conversation.id)
    const view = await eventually(async () => {
      const v = await alice.conversation(conversation.id)
      expect(v.conversation.status).toBe('open')
      return v
    })
    expect(view.messages.filter((m) => m.kind === 'incoming').map((m) => m.body)).toEqual([
      'Hello,\n\nmy invoice shows 3 seats, we have 2.\n\nDana',
      'Thanks, that works.',
    ])
    expect(activityLines(view)).toContain('Reopened: the customer wrote while it was resolved')
  })

  it('threads by References when In-Reply-To names a mail we never saw', async () => {
    await sendMail(port(), {
      from: 'dana@customer.test',
      to: SUPPORT_ADDRESS,
      subject: 'Re: Invoice 42 is wrong',
      messageId: '<dana-3@customer.test>',
      inReplyTo: '<somewhere-else@customer.test>',
      references: '<dana-1@customer.test> <somewhere-else@customer.test>',
      text: 'One more thing.',
    })
    const { conversation } = await onlyConversation('dana@customer.test')
    expect((await alice.conversation(conversation.id)).messages.at(-1)).toMatchObject({ kind: 'incoming', body: 'One more thing.' })
  })

  it('a new mail without references starts a new conversation; someone else answering a thread gets their own', async () => {
    await sendMail(port(), { from: 'dana@customer.test', to: SUPPORT_ADDRESS, subject: 'Another topic', text: 'New question.' })
    expect((await conversationsOf(server, 'dana@customer.test', inbox.id)).conversations).toHaveLength(2)

    await sendMail(port(), {
      from: 'Walter Skinner <walter@customer.test>',
      to: SUPPORT_ADDRESS,
      subject: 'Re: Invoice 42 is wrong',
      inReplyTo: '<dana-1@customer.test>',
      text: 'I am Dana’s manager.',
    })
    const walter = await onlyConversation('walter@customer.test')
    expect((await alice.conversation(walter.conversation.id)).messages.map((m) => m.body)).toEqual(['I am Dana’s manager.'])
  })

  it('the same Message-ID delivered twice is stored once', async () => {
    const mail = {
      from: 'Frohike <frohike@customer.test>',
      to: SUPPORT_ADDRESS,
      subject: 'Twice',
      messageId: '<twice@customer.test>',
      text: 'Only once, please.',
    }
    await sendMail(port(), mail)
    await sendMail(port(), mail)
    await sendMail(port(), { ...mail, text: 'Only once, please (a copy by another route).' })
    const { conversation } = await onlyConversation('frohike@customer.test')
    expect((await alice.conversation(conversation.id)).messages.map((m) => m.body)).toEqual(['Only once, please.'])
  })

  it('refuses mail for an address that is no inbox (550) and stores nothing', async () => {
    const refused = await sendMailRefused(port(), { from: 'byers@customer.test', to: 'sales@acme.test', subject: 'Hi', text: 'Hello?' })
    expect(refused.responseCode).toBe(550)
    expect(refused.response).toMatch(/no such mailbox/)
    expect(await server.ctx.store.contacts.findContactByEmail(server.acme.accountId, 'byers@customer.test')).toBeNull()
  })

  it('refuses a mail over 50 MB with 552 and a clear reason', async () => {
    const line = `${'x'.repeat(998)}\r\n`
    const raw = Buffer.from(
      `From: langly@customer.test\r\nTo: ${SUPPORT_ADDRESS}\r\nSubject: Huge\r\nMessage-ID: <huge@customer.test>\r\n\r\n${line.repeat(Math.ceil((51 * 1024 * 1024) / line.length))}`,
    )
    const refused = await sendMailRefused(port(), { envelope: { from: 'langly@customer.test', to: [SUPPORT_ADDRESS] }, raw })
    expect(refused.responseCode).toBe(552)
    expect(refused.response).toMatch(/too big: at most 50 MB/)
    expect(await server.ctx.store.contacts.findContactByEmail(server.acme.accountId, 'langly@customer.test')).toBeNull()
  })
})
