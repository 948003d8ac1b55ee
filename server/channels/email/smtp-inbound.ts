import type { AddressInfo } from 'node:net'
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server'
import { MailBytes } from './mail-bytes.ts'

/** The bounds of the SMTP front end (SMTP_MAX_CLIENTS, SMTP_MAX_MESSAGE_BYTES, SMTP_SOCKET_TIMEOUT_MS). */
export interface SmtpLimits {
  /** Connections at once; one more is told 421 and closed. */
  maxClients: number
  /** The largest mail accepted (announced with SIZE, so well-behaved senders do not even try). */
  maxMessageBytes: number
  /** A connection that sends nothing for this long is closed. */
  socketTimeoutMs: number
}

export interface Envelope {
  mailFrom: string | null
  rcptTo: string[]
}

/** What the SMTP front end asks of the channel. */
export interface InboundMailHandler {
  /** Whether mail for this address is taken (an Email inbox's address). */
  accepts(address: string): Promise<boolean>
  /** Stores the mail; the sender is told 250 only once this has resolved, so nothing acknowledged is lost. */
  deliver(raw: MailBytes, envelope: Envelope): Promise<void>
}

/** A refusal the sender must not retry (5xx); any other failure is answered 451, "try again later". */
export class MailRejected extends Error {
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message)
  }
}

const smtpError = (responseCode: number, message: string): Error => Object.assign(new Error(message), { responseCode })

/** The part of smtp-server's connection object used to refuse a mail mid-stream (not in its types). */
interface OpenConnection {
  session: SMTPServerSession
  send(code: number, text: string, context?: false): void
  close(): void
}

/**
 * The SMTP front end of the email channel: no authentication and no TLS (it is meant to sit behind the
 * team's mail server or relay, or on a trusted network), refuses unknown recipients at RCPT with 550
 * and oversized mail with 552, and answers the end of DATA only after the mail is stored. Nothing a
 * client does may cost more than its bounds: connections are counted, idle ones time out, and a mail
 * going over the size limit is refused at that moment, its connection closed and the rest unread.
 */
export class SmtpInbound {
  private readonly server: SMTPServer
  private readonly inFlight = new Set<Promise<void>>()
  private listening = false

  constructor(
    private readonly handler: InboundMailHandler,
    private readonly limits: SmtpLimits,
  ) {
    this.server = new SMTPServer({
      banner: 'support inbox',
      size: limits.maxMessageBytes,
      maxClients: limits.maxClients,
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      // On shutdown, a connection still open after this is told 421 and closed: the sender keeps the
      // mail and retries, which is SMTP's way, rather than holding the server's exit.
      closeTimeout: 1_000,
      // A connection silent this long (between commands or mid-DATA) is closed: idle and slow-loris
      // sockets cannot pile up. RFC 5321 asks servers to wait minutes for a command; real MTAs talk
      // in seconds, and a sender cut off retries (SMTP_SOCKET_TIMEOUT_MS, 60 s by default).
      socketTimeout: limits.socketTimeoutMs,
      onRcptTo: (address, _session, callback) => {
        this.handler.accepts(address.address).then(
          (ok) => callback(ok ? null : smtpError(550, `5.1.1 <${address.address}>: no such mailbox here`)),
          (error: unknown) => {
            console.error('email: recipient check failed', error)
            callback(smtpError(451, '4.3.0 temporary failure, try again later'))
          },
        )
      },
      onData: (stream, session, callback) => this.receive(stream, session, callback),
    })
    // Connection-level errors (a client resetting) are emitted here; unhandled they would crash the process.
    this.server.on('error', (error) => console.error('email: SMTP connection error', error.message))
  }

  /** Resolves with the port it listens on (`port` 0 picks a free one). */
  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error)
      this.server.once('error', onError)
      const server = this.server.listen(port, host, () => {
        this.server.off('error', onError)
        this.listening = true
        resolve((server.address() as AddressInfo).port)
      })
    })
  }

  /** Stops accepting mail, then waits for mail being stored to be stored. */
  async close(): Promise<void> {
    if (this.listening) await new Promise<void>((resolve) => this.server.close(() => resolve()))
    this.listening = false
    await Promise.allSettled([...this.inFlight])
  }

  private receive(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (error?: Error | null) => void): void {
    const raw = new MailBytes()
    let refused = false
    stream.on('error', () => undefined) // the client went away mid-mail: nothing was acknowledged
    stream.on('data', (chunk: Buffer) => {
      if (refused) return
      if (raw.size + chunk.length <= this.limits.maxMessageBytes) return raw.append(chunk)
      refused = true
      this.refuseOversized(session, callback)
    })
    stream.on('end', () => {
      if (refused) return
      const envelope: Envelope = {
        mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
        rcptTo: session.envelope.rcptTo.map((r) => r.address),
      }
      const task = this.handler.deliver(raw, envelope).then(
        () => callback(),
        (error: unknown) => {
          if (error instanceof MailRejected) return callback(smtpError(error.responseCode, error.message))
          console.error('email: storing an incoming mail failed', error)
          callback(smtpError(451, '4.3.0 the mail could not be stored, try again later'))
        },
      )
      this.inFlight.add(task)
      void task.finally(() => this.inFlight.delete(task))
    })
  }

  /**
   * 552 now, not after the client has sent the rest (up to any size, all of it read for nothing), and
   * the connection closed: SMTP has no way to stop a client mid-DATA other than hanging up.
   */
  private refuseOversized(session: SMTPServerSession, callback: (error?: Error | null) => void): void {
    const text = `5.3.4 message too big: at most ${formatBytes(this.limits.maxMessageBytes)}`
    const connections = (this.server as unknown as { connections?: Set<OpenConnection> }).connections
    const connection = connections && [...connections].find((c) => c.session === session)
    if (!connection) {
      // smtp-server changed its insides: fall back to answering at the end of DATA (the rest is dropped unread).
      callback(smtpError(552, text))
      return
    }
    connection.send(552, text, false)
    connection.close()
  }
}

const formatBytes = (bytes: number): string =>
  bytes % (1024 * 1024) === 0 ? `${bytes / 1024 / 1024} MB` : bytes % 1024 === 0 ? `${bytes / 1024} KB` : `${bytes} bytes`
