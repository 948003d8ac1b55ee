import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import nodemailer from 'nodemailer'
import MailComposer, { type Options as MailOptions } from 'nodemailer/lib/mail-composer'

export type { MailOptions }

/** Where replies go: an SMTP relay, or files on disk when none is configured. */
export interface MailTransport {
  /** Resolves once the relay has accepted the mail (or the file is written). */
  send(mail: MailOptions): Promise<void>
  /** For the start-up line, without secrets. */
  readonly description: string
  close(): void
}

/** An SMTP answer in the 5xx range: trying again will not help. */
export const isPermanentSmtpError = (error: unknown): boolean => {
  const code = (error as { responseCode?: unknown }).responseCode
  return typeof code === 'number' && code >= 500 && code < 600
}

export function createMailTransport(smtpUrl: string | undefined, dataDir: string): MailTransport {
  return smtpUrl ? smtpTransport(smtpUrl) : fileTransport(path.join(dataDir, 'outbound-mail'))
}

function smtpTransport(url: string): MailTransport {
  // Timeouts well under the job's lease (60 s), so a stuck relay fails the attempt instead of letting
  // another worker take the job up while this one still holds the connection.
  const transport = nodemailer.createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 })
  const shown = new URL(url)
  shown.password = shown.password ? '***' : ''
  return {
    description: `sending through ${shown.toString()}`,
    async send(mail) {
      const info = await transport.sendMail(mail)
      if (info.rejected.length > 0) throw Object.assign(new Error(`the relay refused ${info.rejected.join(', ')}`), { responseCode: 550 })
    },
    close: () => transport.close(),
  }
}

/**
 * Without a relay, each mail is an .eml file named after its Message-ID: a second attempt for the same
 * reply rewrites the same file, so a retry never makes two. Written aside and renamed, so a crash never
 * leaves half a mail under its final name.
 */
function fileTransport(dir: string): MailTransport {
  return {
    description: `writing mail as .eml files to ${dir} (SMTP_URL is not set)`,
    async send(mail) {
      const raw = await new MailComposer(mail).compile().build()
      mkdirSync(dir, { recursive: true })
      const name = String(mail.messageId ?? Date.now()).replace(/[^\w.@-]+/g, '')
      const file = path.join(dir, `${name}.eml`)
      writeFileSync(`${file}.part`, raw)
      renameSync(`${file}.part`, file)
    },
    close: () => undefined,
  }
}
