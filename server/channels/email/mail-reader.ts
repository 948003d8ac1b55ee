import { createHash } from 'node:crypto'
import { simpleParser } from 'mailparser'
import { type IncomingBody, incomingBody } from './mail-body.ts'

/** What the channel needs of a received mail: plain data, so that it crosses a worker boundary. */
export interface ReadMail {
  from: { address: string; name: string } | null
  subject: string | null
  messageId: string | null
  inReplyTo: string | null
  references: string[]
  /** Every Authentication-Results header, as received (the relays in front of us add them). */
  authenticationResults: string[]
  body: IncomingBody
  attachments: { name: string; contentType: string; data: Uint8Array }[]
  /** The raw mail's SHA-256: stands for the Message-ID of a mail without one. */
  sha256: string
}

/**
 * Parses a raw mail (RFC 5322 with MIME) and converts its text. All of it is CPU work proportional to
 * hostile input, which is why the channel runs it in a worker (mail-reader-pool.ts), never on the loop
 * that serves HTTP, sockets and SMTP.
 */
export async function readMail(raw: Uint8Array): Promise<ReadMail> {
  const buffer = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength)
  const mail = await simpleParser(buffer, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, keepCidLinks: true })
  const from = mail.from?.value.find((a) => a.address)
  const header = (name: string): string[] =>
    mail.headerLines.filter((h) => h.key === name).map((h) => h.line.slice(h.line.indexOf(':') + 1).trim())
  return {
    from: from?.address ? { address: from.address, name: from.name } : null,
    subject: mail.subject ?? null,
    messageId: mail.messageId ?? null,
    inReplyTo: mail.inReplyTo ?? null,
    references: Array.isArray(mail.references) ? mail.references : mail.references ? [mail.references] : [],
    authenticationResults: header('authentication-results'),
    body: incomingBody(mail),
    attachments: mail.attachments.map((a, i) => ({ name: a.filename ?? `attachment-${i + 1}`, contentType: a.contentType, data: a.content })),
    sha256: createHash('sha256').update(buffer).digest('hex'),
  }
}
