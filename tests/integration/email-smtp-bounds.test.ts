import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addEmailInbox, SUPPORT_ADDRESS } from '../support/email.ts'
import { eventually } from '../support/eventually.ts'
import { RawSmtp } from '../support/smtp-client.ts'
import { TestServer } from '../support/server.ts'

// The SMTP front end takes mail from anyone (hardening issue, item 6): what one client may cost is
// bounded. Raw sockets here, so that the test sees exactly when the server answers.

const LIMIT = 1024 * 1024

describe('Email channel: the SMTP server is bounded', () => {
  let server: TestServer
  const port = () => server.ctx.email.inboundPort!

  beforeAll(async () => {
    server = await TestServer.start({ env: { SMTP_MAX_MESSAGE_BYTES: String(LIMIT), SMTP_MAX_CLIENTS: '3' } })
    await addEmailInbox(server)
  })
  afterAll(() => server.close())

  it('a mail going over the size limit is answered 552 at once and its connection closed, not read to its end', async () => {
    const smtp = await RawSmtp.connect(port())
    expect(await smtp.reply()).toMatch(/^220 /)
    expect(await smtp.command('EHLO client.test')).toMatch(/^250 /)
    expect(await smtp.command('MAIL FROM:<langly@customer.test>')).toMatch(/^250 /)
    expect(await smtp.command(`RCPT TO:<${SUPPORT_ADDRESS}>`)).toMatch(/^250 /)
    expect(await smtp.command('DATA')).toMatch(/^354 /)

    // Up to 40 times the limit, written as fast as the server reads it, until it answers.
    const answer = smtp.reply()
    let answered = false
    void answer.then(() => (answered = true))
    const line = `${'x'.repeat(998)}\r\n`
    const chunk = Buffer.from(`Subject: big\r\n\r\n${line.repeat(64)}`)
    let sent = 0
    while (!answered && !smtp.closed && sent < 40 * LIMIT) {
      const flushed = smtp.socket.write(chunk)
      sent += chunk.length
      if (!flushed) await new Promise<void>((resolve) => (smtp.socket.once('drain', resolve), smtp.socket.once('close', resolve)))
    }
    expect(await answer).toMatch(/^552 5\.3\.4 message too big: at most 1 MB/)
    // Answered while the client was still sending: at the limit, give or take the sockets' buffers.
    expect(sent).toBeLessThan(10 * LIMIT)
    await eventually(() => expect(smtp.closed).toBe(true))
    expect(await server.ctx.store.contacts.findContactByEmail(server.acme.accountId, 'langly@customer.test')).toBeNull()
  })

  it('a mail within the limit still goes through, and one connection too many is told 421', async () => {
    const open = await Promise.all([1, 2, 3].map(() => RawSmtp.connect(port())))
    for (const smtp of open) expect(await smtp.reply()).toMatch(/^220 /)
    const extra = await RawSmtp.connect(port())
    expect(await extra.reply()).toMatch(/^421 .*Too many connected clients/)
    await eventually(() => expect(extra.closed).toBe(true))

    // The connections within the limit work normally.
    const smtp = open[0]!
    expect(await smtp.command('EHLO client.test')).toMatch(/^250 /)
    expect(await smtp.command('MAIL FROM:<byers@customer.test>')).toMatch(/^250 /)
    expect(await smtp.command(`RCPT TO:<${SUPPORT_ADDRESS}>`)).toMatch(/^250 /)
    expect(await smtp.command('DATA')).toMatch(/^354 /)
    const body = `${'y'.repeat(998)}\r\n`.repeat(LIMIT / 2 / 1000)
    expect(await smtp.command(`From: byers@customer.test\r\nSubject: small\r\n\r\n${body}.`)).toMatch(/^250 /)
    for (const s of open) s.socket.end()
    const contact = await server.ctx.store.contacts.findContactByEmail(server.acme.accountId, 'byers@customer.test')
    expect(contact).not.toBeNull()
  })
})
