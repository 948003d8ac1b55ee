import type { AppContext } from '../../app-context.ts'
import { EmailReceiver } from './inbound-mail.ts'
import { MailReaderPool } from './mail-reader-pool.ts'
import { EmailSender } from './outbound-mail.ts'
import { SmtpInbound } from './smtp-inbound.ts'
import { durableDelivery } from './durable-delivery.ts'
import { createMailTransport, type MailTransport } from './transport.ts'

type Deps = Pick<
  AppContext,
  'config' | 'store' | 'clock' | 'events' | 'outbox' | 'jobs' | 'contacts' | 'conversations' | 'messages' | 'rules' | 'attachments'
>

/**
 * The Email channel: customers' mail comes in over SMTP (SMTP_INBOUND_PORT) into the inbox whose
 * address it is sent to; agents' replies go out through the job queue to SMTP_URL, or to .eml files
 * under DATA_DIR/outbound-mail without one.
 */
export class EmailChannel {
  private inbound: SmtpInbound | null = null
  private reader: MailReaderPool | null = null
  private transport: MailTransport | null = null
  private detach: (() => void) | null = null
  private port: number | null = null

  /** The services are read at start(): the composition root fills the context in after this is made. */
  constructor(private readonly deps: Deps) {}

  /** The port incoming mail is received on, once started. */
  get inboundPort(): number | null {
    return this.port
  }

  /** One line for the start-up output. */
  describe(): string {
    const inbound = this.port === null ? 'not receiving' : `receiving on SMTP ${this.deps.config.host}:${this.port}`
    return `Email: ${inbound}; ${this.transport?.description ?? 'not sending'}`
  }

  /** Before the job queue starts and before requests are served: no reply may be created unheard. */
  async start(): Promise<void> {
    const d = this.deps
    this.transport = createMailTransport(d.config.smtpUrl, d.config.dataDir)
    const sender = new EmailSender({ ...d, transport: this.transport, fromName: d.config.mailFromName, retries: d.config.mailRetries })
    this.detach = sender.attach()
    // Two workers: one hostile mail (slow to read) does not hold up the next; more would only
    // compete with the server for the machine's cores.
    this.reader = new MailReaderPool({ size: 2, timeoutMs: 60_000, maxHeapMb: 512, inlineMaxBytes: 64 * 1024 })
    this.inbound = new SmtpInbound(durableDelivery(new EmailReceiver({ ...d, reader: this.reader }), d.store), d.config.smtpInbound)
    try {
      this.port = await this.inbound.listen(d.config.smtpInboundPort, d.config.host)
    } catch (error) {
      await this.close()
      throw new Error(`Email: cannot receive mail on port ${d.config.smtpInboundPort} (SMTP_INBOUND_PORT): ${(error as Error).message}`)
    }
  }

  /** After the HTTP server has closed and before the store does: mail being stored is stored first. */
  async close(): Promise<void> {
    this.detach?.()
    this.detach = null
    await this.inbound?.close()
    this.inbound = null
    await this.reader?.close()
    this.reader = null
    this.port = null
    this.transport?.close()
  }
}
