import type { AddressInfo } from 'node:net'
import { simpleParser, type ParsedMail } from 'mailparser'
import { SMTPServer } from 'smtp-server'

/** One DATA transaction the sink received, whatever it answered. */
export interface SinkDelivery {
  mail: ParsedMail
  raw: Buffer
  envelope: { from: string | null; to: string[] }
  /** Whether the sink answered 250 (the sender knows it was delivered). */
  accepted: boolean
}

/**
 * How the sink answers a mail it has read in full: `accept` (250), `tempfail` (451: the mail reached
 * the receiver, the sender is told to try again), `reject` (550: the mailbox does not exist), or
 * `hold` (no answer until release(): the sender waits, as on a slow receiver or a network that died
 * mid-answer).
 */
export type SinkAnswer = 'accept' | 'tempfail' | 'reject' | 'hold'

/**
 * A real SMTP server on 127.0.0.1 for the outbound tests, standing for a customer's mail system: it
 * records every mail it receives and, like real receivers, `delivered()` counts one mail per Message-ID.
 */
export class SmtpSink {
  readonly deliveries: SinkDelivery[] = []
  private readonly held: (() => void)[] = []

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  static async start(answer: (index: number, delivery: SinkDelivery) => SinkAnswer = () => 'accept'): Promise<SmtpSink> {
    let sink: SmtpSink | null = null
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      closeTimeout: 200,
      onData(stream, session, callback) {
        const chunks: Buffer[] = []
        stream.on('data', (chunk: Buffer) => chunks.push(chunk))
        stream.on('end', () => {
          const raw = Buffer.concat(chunks)
          void simpleParser(raw).then((mail) => {
            const delivery: SinkDelivery = {
              mail,
              raw,
              envelope: {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
                to: session.envelope.rcptTo.map((r) => r.address),
              },
              accepted: false,
            }
            const how = answer(sink!.deliveries.length, delivery)
            sink!.deliveries.push(delivery)
            if (how === 'accept') {
              delivery.accepted = true
              callback()
            } else if (how === 'reject') {
              callback(Object.assign(new Error('5.1.1 no such mailbox (test sink)'), { responseCode: 550 }))
            } else if (how === 'tempfail') {
              callback(Object.assign(new Error('4.3.0 try again later (test sink)'), { responseCode: 451 }))
            } else {
              sink!.held.push(() => callback(Object.assign(new Error('4.3.0 released (test sink)'), { responseCode: 451 })))
            }
          }, callback)
        })
      },
    })
    server.on('error', () => undefined) // a client killed mid-transaction resets its connection
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject)
      const net = server.listen(0, '127.0.0.1', () => resolve((net.address() as AddressInfo).port))
    })
    sink = new SmtpSink(server, port)
    return sink
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`
  }

  /** Mails answered 250, one per Message-ID (what a receiver that drops duplicates delivers). */
  delivered(): Map<string, ParsedMail> {
    const byId = new Map<string, ParsedMail>()
    for (const d of this.deliveries) if (d.accepted && d.mail.messageId && !byId.has(d.mail.messageId)) byId.set(d.mail.messageId, d.mail)
    return byId
  }

  /** Every received mail for this Message-ID (each attempt), accepted or not. */
  received(messageId: string): SinkDelivery[] {
    return this.deliveries.filter((d) => d.mail.messageId === messageId)
  }

  /** Answers the held mails with 451. */
  release(): void {
    for (const answer of this.held.splice(0)) answer()
  }

  async close(): Promise<void> {
    this.release()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}
