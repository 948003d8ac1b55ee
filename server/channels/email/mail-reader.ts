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
/** Encoded words can carry a NUL, which PostgreSQL cannot store in text (the body drops controls itself). */
const noNul = (text: string): string => text.replaceAll('\u0000', '')

export async function readMail(raw: Uint8Array): Promise<ReadMail> {
  const buffer = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength)
  const mail = await simpleParser(buffer, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, keepCidLinks: true })
  const from = mail.from?.value.find((a) => a.address)
  const header = (name: string): string[] =>
    mail.headerLines.filter((h) => h.key === name).map((h) => h.line.slice(h.line.indexOf(':') + 1).trim())
  return {
    from: from?.address ? { address: noNul(from.address), name: noNul(from.name) } : null,
    subject: mail.subject === undefined ? null : noNul(mail.subject),
    messageId: mail.messageId === undefined ? null : noNul(mail.messageId),
    inReplyTo: mail.inReplyTo === undefined ? null : noNul(mail.inReplyTo),
    references: (Array.isArray(mail.references) ? mail.references : mail.references ? [mail.references] : []).map(noNul),
    authenticationResults: header('authentication-results'),
    body: incomingBody(mail),
    attachments: mail.attachments.map((a, i) => ({ name: noNul(a.filename ?? `attachment-${i + 1}`), contentType: noNul(a.contentType), data: a.content })),
    sha256: createHash('sha256').update(buffer).digest('hex'),
  }
}
