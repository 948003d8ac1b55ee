import type { AppContext } from '../../app-context.ts'
import { EmailReceiver } from './inbound-mail.ts'
import { EmailSender } from './outbound-mail.ts'
import { SmtpInbound } from './smtp-inbound.ts'
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
    this.inbound = new SmtpInbound(new EmailReceiver(d))
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
    this.port = null
    this.transport?.close()
  }
}
