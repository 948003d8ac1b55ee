import type { Readable } from 'node:stream'
import type { Message } from '../../../shared/schemas/entities.ts'
import type { Outbox } from '../../jobs/outbox.ts'
import { type JobHandler, type JobRunner, PermanentJobError } from '../../jobs/runner.ts'
import type { AttachmentService } from '../../services/attachments.ts'
import type { Clock } from '../../services/clock.ts'
import type { MessageService } from '../../services/messages.ts'
import type { JobRecord } from '../../store/jobs.ts'
import type { Store } from '../../store/types.ts'
import { outboundMessageId, referencesFor, replySubject } from './message-ids.ts'
import { replyHtml } from './reply-html.ts'
import { isPermanentSmtpError, type MailOptions, type MailTransport } from './transport.ts'

export const SEND_JOB = 'email.send'
/** Replies sent at once, whatever else the job queue is doing (webhooks have slots of their own). */
const CONCURRENCY = 4
/** Exponential backoff with full jitter, from `baseMs` doubling to at most 10 minutes apart. */
const mailRetryDelay = (baseMs: number, attempt: number): number =>
  Math.floor(Math.random() * Math.min(600_000, baseMs * 2 ** Math.min(attempt, 20)))

interface SendPayload {
  messageId: string
  conversationId: string
}

export interface EmailSenderDeps {
  store: Store
  outbox: Outbox
  jobs: JobRunner
  messages: MessageService
  attachments: AttachmentService
  clock: Clock
  transport: MailTransport
  /** A fixed display name for every reply (MAIL_FROM_NAME); otherwise the agent's, or the account's. */
  fromName: string | undefined
  /** MAIL_MAX_ATTEMPTS, MAIL_RETRY_BASE_MS */
  retries: { maxAttempts: number; retryBaseMs: number }
}

/**
 * Agents' replies in Email inboxes, sent to the customer through the persistent job queue.
 *
 * Exactly once, as far as SMTP allows (DESIGN §4 rule 5). SMTP has no idempotent submit: a crash after
 * the relay said 250 and before the job is marked done means the mail is sent again by the retry. So:
 *   - one job per reply, ever (the dedupe key is the message id), written in the same transaction as
 *     the reply (the outbox): a stored reply always has its job, a reply is never queued twice, and a
 *     restart finds the job where it was (pending, or running under a lease that runs out);
 *   - the Message-ID is derived from the message id alone (`<msg-<uuid>@<inbox domain>>`), and the
 *     thread headers from what came before the reply, so every attempt is the same mail: a retry after
 *     a crash re-sends the SAME Message-ID, which receiving systems drop as a duplicate, and a restart
 *     can never send a second, different mail;
 *   - the Message-ID is recorded in email_messages before the relay is contacted, so the customer's
 *     answer threads into the conversation even if we crash between their server's 250 and our records;
 *   - the job completes right after the 250 (the runner writes it in the next statement), leaving a
 *     window of microseconds, not of a network round trip, where a crash re-sends;
 *   - within one process, an attempt is never started while another for the same reply is in flight
 *     (a lease running out under a slow relay); socket timeouts are well under the lease.
 * A note or an activity line is never queued, and the handler checks the kind again before sending
 * (DESIGN §4 rule 7). A reply whose mail is finally not sent (a 5xx refusal, or every attempt failed)
 * says so in the conversation's timeline.
 */
export class EmailSender implements JobHandler {
  readonly concurrency = CONCURRENCY
  readonly maxAttempts: number
  private readonly sending = new Set<string>()

  constructor(private readonly deps: EmailSenderDeps) {
    this.maxAttempts = deps.retries.maxAttempts
  }

  retryDelay = (attempt: number): number => mailRetryDelay(this.deps.retries.retryBaseMs, attempt)

  /** Registers the job handler and starts queueing replies with their messages; returns the way to stop. */
  attach(): () => void {
    this.deps.jobs.register(SEND_JOB, this)
    return this.deps.outbox.decide('message.created', async ({ accountId, message }) => {
      if (message.kind !== 'reply') return []
      const conversation = await this.deps.store.conversations.getConversation(message.conversationId)
      const inbox = conversation ? await this.deps.store.directory.getInbox(conversation.row.inboxId) : null
      if (inbox?.channelType !== 'email') return []
      const payload: SendPayload = { messageId: message.id, conversationId: message.conversationId }
      return [{ kind: SEND_JOB, accountId, dedupeKey: `${SEND_JOB}:${message.id}`, payload }]
    })
  }

  async run(job: JobRecord): Promise<void> {
    const payload = job.payload as SendPayload
    if (this.sending.has(payload.messageId)) throw new Error('an earlier attempt is still sending this reply')
    this.sending.add(payload.messageId)
    try {
      await this.send(payload.messageId)
    } catch (error) {
      const permanent = error instanceof PermanentJobError || isPermanentSmtpError(error)
      if (permanent || job.attempts >= this.maxAttempts) await this.reportFailure(job, payload, error, permanent)
      throw permanent && !(error instanceof PermanentJobError) ? new PermanentJobError((error as Error).message) : error
    } finally {
      this.sending.delete(payload.messageId)
    }
  }

  private async send(messageId: string): Promise<void> {
    const { store, clock } = this.deps
    const message = await store.conversations.getMessage(messageId)
    // DESIGN §4 rule 7, checked again where the mail leaves: only replies ever go to a customer.
    if (!message || message.kind !== 'reply') return
    const conversation = (await store.conversations.getConversation(message.conversationId))?.row
    const inbox = conversation ? await store.directory.getInbox(conversation.inboxId) : null
    const inboxAddress = inbox?.channelType === 'email' ? inbox.settings.emailAddress : undefined
    if (!conversation || !inboxAddress) throw new PermanentJobError('the inbox has no email address')
    const contact = await store.contacts.getContact(conversation.contactId)
    if (!contact?.email) throw new PermanentJobError('the customer has no email address')

    const rfcId = outboundMessageId(message.id, inboxAddress)
    const thread = await store.email.threadBefore(conversation.id, message.seq)
    const lastCustomerMail = thread.filter((r) => r.direction === 'inbound').at(-1)
    const subject = replySubject(await store.email.subjectOf(conversation.id), conversation.number)
    await store.email.record({
      rfcMessageId: rfcId,
      accountId: message.accountId,
      // Our reply coming back to us (a forwarding loop) is then known as ours.
      sender: inboxAddress.toLowerCase(),
      conversationId: conversation.id,
      messageId: message.id,
      direction: 'outbound',
      subject,
      createdAt: clock.now(),
    })
    const attachments = await this.files(message)
    const mail: MailOptions = {
      from: { name: await this.fromName(message), address: inboxAddress },
      to: { name: contact.name, address: contact.email },
      subject,
      messageId: rfcId,
      date: new Date(message.createdAt),
      text: message.body,
      html: replyHtml(message.body),
      attachments,
      // Content comes only from what we pass: never from a path or a URL named in it.
      disableFileAccess: true,
      disableUrlAccess: true,
      ...(lastCustomerMail ? { inReplyTo: lastCustomerMail.rfcMessageId } : {}),
      ...(thread.length > 0 ? { references: referencesFor(thread.map((r) => r.rfcMessageId)) } : {}),
    }
    try {
      await this.deps.transport.send(mail)
    } finally {
      // A failed attempt may not have read them: their files would stay open.
      for (const a of attachments) a.content.destroy()
    }
  }

  private async fromName(message: Message): Promise<string> {
    if (this.deps.fromName) return this.deps.fromName
    const agent = message.authorAgentId ? await this.deps.store.directory.getAgent(message.authorAgentId) : null
    return agent?.name ?? (await this.deps.store.directory.getAccount(message.accountId))?.name ?? ''
  }

  /** Opened anew for each attempt: a stream is read once. */
  private async files(message: Message): Promise<{ filename: string; contentType: string; content: Readable }[]> {
    const files = []
    for (const a of message.attachments) {
      const file = await this.deps.attachments.openForAgent(message.accountId, a.id)
      files.push({ filename: a.name, contentType: a.contentType, content: file.stream() })
    }
    return files
  }

  /** The agents learn in the timeline that the customer did not get the reply. */
  private async reportFailure(job: JobRecord, payload: SendPayload, error: unknown, permanent: boolean): Promise<void> {
    const reason = (error as Error).message ?? String(error)
    if (!job.accountId) return
    const tries = permanent ? '' : ` (gave up after ${job.attempts} attempts)`
    await this.deps.messages.addActivity(job.accountId, payload.conversationId, `The reply could not be sent by email${tries}: ${reason}`)
  }
}
