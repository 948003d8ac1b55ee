import { afterEach, describe, expect, it } from 'vitest'
import { mailBytesOf } from '../../../../../server/channels/email/mail-bytes.ts'
import { MailReaderPool } from '../../../../../server/channels/email/mail-reader-pool.ts'

// The pool that keeps mail parsing off the event loop: a mail read in a worker comes back whole
// (text, headers, attachment bytes), exactly as one read inline does.

const MAIL = [
  'From: "Dana Scully" <dana@customer.test>',
  'To: support@acme.test',
  'Subject: Invoice',
  'Message-ID: <pool-1@customer.test>',
  'Authentication-Results: mx.acme.test; dmarc=fail',
  'Content-Type: multipart/mixed; boundary=X',
  '',
  '--X',
  'Content-Type: text/html; charset=utf-8',
  '',
  `<p>Hello <a href="https://x.test/">team</a></p>${'<a'.repeat(50_000)}`,
  '--X',
  'Content-Type: application/pdf',
  'Content-Disposition: attachment; filename="a.pdf"',
  'Content-Transfer-Encoding: base64',
  '',
  'JVBERi0=',
  '--X--',
  '',
].join('\r\n')

describe('MailReaderPool', () => {
  let pool: MailReaderPool | null = null
  afterEach(() => pool?.close())

  it('reads a mail in a worker thread the same as inline', async () => {
    const inline = await new MailReaderPool({ size: 1, timeoutMs: 60_000, maxHeapMb: 256, inlineMaxBytes: Infinity }).read(mailBytesOf(Buffer.from(MAIL)))
    pool = new MailReaderPool({ size: 1, timeoutMs: 60_000, maxHeapMb: 256, inlineMaxBytes: 0 })
    const inWorker = await pool.read(mailBytesOf(Buffer.from(MAIL)))
    // Bytes come back as plain Uint8Array (inline: mailparser's Buffer).
    expect(inWorker).toEqual({ ...inline, attachments: inline.attachments.map((a) => ({ ...a, data: new Uint8Array(a.data) })) })
    expect(inWorker).toMatchObject({
      from: { address: 'dana@customer.test', name: 'Dana Scully' },
      messageId: '<pool-1@customer.test>',
      authenticationResults: ['mx.acme.test; dmarc=fail'],
      body: { body: 'Hello team (https://x.test/)', fullText: null },
      attachments: [{ name: 'a.pdf', contentType: 'application/pdf', data: new Uint8Array(Buffer.from('%PDF-')) }],
    })
  }, 60_000)

  it('refuses mail once closed', async () => {
    pool = new MailReaderPool({ size: 1, timeoutMs: 60_000, maxHeapMb: 256, inlineMaxBytes: 0 })
    await pool.close()
    await expect(pool.read(mailBytesOf(Buffer.from(MAIL)))).rejects.toThrow(/closed/)
  })
})
