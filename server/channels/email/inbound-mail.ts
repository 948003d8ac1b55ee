import { type Attachment, type Inbox, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_MESSAGE } from '../../../shared/schemas/entities.ts'
import type { AttachmentService } from '../../services/attachments.ts'
import type { Clock } from '../../services/clock.ts'
import type { ContactService } from '../../services/contacts.ts'
import type { ConversationRules } from '../../services/conversation-rules.ts'
import type { ConversationService } from '../../services/conversations.ts'
import { isArchived } from '../../services/inboxes.ts'
import { KeyedQueue } from '../../services/keyed-queue.ts'
import type { MessageService } from '../../services/messages.ts'
import type { EmailRecord } from '../../store/email.ts'
import type { Store } from '../../store/types.ts'
import type { MailBytes } from './mail-bytes.ts'
import type { ReadMail } from './mail-reader.ts'
import { type MailReaderPool, MailUnreadable } from './mail-reader-pool.ts'
import { messageIdsIn, ownMessageId } from './message-ids.ts'
import { senderVerified } from './sender-check.ts'
import { type Envelope, type InboundMailHandler, MailRejected } from './smtp-inbound.ts'

export interface EmailReceiverDeps {
  store: Store
  contacts: ContactService
  conversations: ConversationService
  messages: MessageService
  rules: ConversationRules
  attachments: AttachmentService
  clock: Clock
  /** Parses mails off the event loop. */
  reader: MailReaderPool
}

interface Sender {
  email: string
  name: string | undefined
  /** false: shown to agents as "Sender not verified" (sender-check.ts). */
  verified: boolean
}

/**
 * A customer's mail becomes an incoming message: from the contact with the sender's address, in the
 * conversation its In-Reply-To/References name (a mail we received or one of our replies), else in a
 * new one. The Message-ID is recorded before the message is written, so a second delivery of the same
 * mail (a sender's retry after a lost 250, a copy via another route) adds nothing, and a delivery cut
 * short by a crash is finished by the retry in the conversation first chosen. "The same mail" is the
 * same account, sender and Message-ID: anyone can write any Message-ID, and a spoofed first copy must
 * not make the real mail a duplicate.
 */
export class EmailReceiver implements InboundMailHandler {
  /** One account's mail is stored one at a time: find-or-create of contacts and threads must not interleave. */
  private readonly queue = new KeyedQueue()

  constructor(private readonly deps: EmailReceiverDeps) {}

  async accepts(address: string): Promise<boolean> {
    return (await this.inboxFor(address)) !== null
  }

  async deliver(raw: MailBytes, envelope: Envelope): Promise<void> {
    // Each account named among the recipients gets the mail once, in the first of its inboxes named.
    const inboxes = await this.inboxesByAccount(envelope.rcptTo)
    if (inboxes.length === 0) throw new MailRejected(550, '5.1.1 no such mailbox here')
    const mail = await this.deps.reader.read(raw).catch((error: unknown) => {
      // Reading it again would take as long or as much: the sender is told, and keeps the mail.
      if (error instanceof MailUnreadable) throw new MailRejected(554, `5.6.0 ${error.message}`)
      throw error
    })
    const email = (mail.from?.address ?? envelope.mailFrom ?? '').trim().toLowerCase()
    if (!email.includes('@')) throw new MailRejected(550, '5.1.7 the mail names no sender address')
    const sender = {
      email,
      name: mail.from?.name.trim() || undefined,
      verified: senderVerified(email, envelope.mailFrom, mail.authenticationResults),
    }
    // Without a Message-ID, the content stands in for it: the same bytes twice are the same mail.
    const rfcId = ownMessageId(mail.messageId ?? undefined) ?? `<${mail.sha256}@no-message-id.invalid>`
    for (const inbox of inboxes) await this.queue.run(inbox.accountId, () => this.store(inbox, mail, sender, rfcId))
  }

  private async store(inbox: Inbox, mail: ReadMail, sender: Sender, rfcId: string): Promise<void> {
    const { store, clock } = this.deps
    const earlier = await store.email.get(inbox.accountId, sender.email, rfcId)
    if (earlier) {
      // Seen before. Our own reply coming back (a forwarding loop): nothing to do.
      if (earlier.direction !== 'inbound' || !earlier.messageId) return
      if (await store.conversations.getMessage(earlier.messageId)) return
      await this.addMessage(inbox, earlier.conversationId, earlier.messageId, mail, sender)
      return
    }
    const contact = await this.deps.contacts.findOrCreate(inbox.accountId, { email: sender.email, name: sender.name })
    const conversationId =
      (await this.threadOf(inbox, contact.id, mail)) ??
      (await this.deps.conversations.create({ accountId: inbox.accountId, inboxId: inbox.id, contactId: contact.id })).id
    const messageId = clock.id()
    const recorded = await store.email.record({
      rfcMessageId: rfcId,
      accountId: inbox.accountId,
      sender: sender.email,
      conversationId,
      messageId,
      direction: 'inbound',
      subject: mail.subject?.trim() || null,
      createdAt: clock.now(),
    })
    if (recorded) await this.addMessage(inbox, conversationId, messageId, mail, sender)
  }

  private async addMessage(inbox: Inbox, conversationId: string, messageId: string, mail: ReadMail, sender: Sender): Promise<void> {
    const { body, fullText } = mail.body
    const { attachments, notes } = await this.saveAttachments(inbox.accountId, mail, fullText)
    const text = [body || (attachments.length > 0 ? '' : '(no text)'), ...notes].filter(Boolean).join('\n\n')
    const message = await this.deps.messages.addIncoming(inbox.accountId, conversationId, text, messageId, attachments, sender.verified)
    // DESIGN §4 rule 4, by the same path as every channel: a customer's mail reopens the conversation.
    await this.deps.rules.onCustomerMessage(message)
  }

  /**
   * The conversation of the newest mail this one answers that we know, if it is this inbox's and this
   * sender's: someone else answering a thread (a colleague in Cc) starts their own conversation rather
   * than writing in another customer's name.
   */
  private async threadOf(inbox: Inbox, contactId: string, mail: ReadMail): Promise<string | null> {
    const candidates = [...messageIdsIn(mail.inReplyTo ?? undefined), ...messageIdsIn(mail.references).reverse()]
    if (candidates.length === 0) return null
    // One Message-ID may be known from several senders (a spoofed copy and the real mail).
    const known = new Map<string, EmailRecord[]>()
    for (const r of await this.deps.store.email.findMany(inbox.accountId, candidates)) known.set(r.rfcMessageId, [...(known.get(r.rfcMessageId) ?? []), r])
    for (const id of candidates) {
      for (const record of known.get(id) ?? []) {
        const conversation = await this.deps.store.conversations.getConversation(record.conversationId)
        if (conversation?.row.inboxId === inbox.id && conversation.row.contactId === contactId) return conversation.row.id
      }
    }
    return null
  }

  private async saveAttachments(accountId: string, mail: ReadMail, fullText: string | null) {
    const files = mail.attachments.map((a) => ({
      name: a.name,
      contentType: a.contentType,
      data: Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength),
    }))
    if (fullText !== null) files.unshift({ name: 'message.txt', contentType: 'text/plain', data: Buffer.from(fullText) })
    const attachments: Attachment[] = []
    const notes: string[] = []
    for (const file of files) {
      // What cannot be kept is said in the message, rather than refusing the whole mail (which the
      // sender would retry for days) or dropping it unseen.
      if (file.data.byteLength > MAX_ATTACHMENT_BYTES) notes.push(`[Attachment not kept: ${file.name} is larger than 40 MB]`)
      else if (attachments.length >= MAX_ATTACHMENTS_PER_MESSAGE) notes.push(`[Attachment not kept: ${file.name}, more than ${MAX_ATTACHMENTS_PER_MESSAGE} files]`)
      else attachments.push(await this.deps.attachments.save(accountId, null, file))
    }
    return { attachments, notes }
  }

  private async inboxesByAccount(addresses: string[]): Promise<Inbox[]> {
    const byAccount = new Map<string, Inbox>()
    for (const address of addresses) {
      const inbox = await this.inboxFor(address)
      if (inbox && !byAccount.has(inbox.accountId)) byAccount.set(inbox.accountId, inbox)
    }
    return [...byAccount.values()]
  }

  /** Addresses are matched as configured, or in lower case (the usual spelling of both sides). */
  private async inboxFor(address: string): Promise<Inbox | null> {
    const { store } = this.deps
    const trimmed = address.trim()
    const inbox =
      (await store.directory.findInboxBySetting('emailAddress', trimmed)) ?? (await store.directory.findInboxBySetting('emailAddress', trimmed.toLowerCase()))
    // An archived inbox takes no new mail: the sender's server hears 550 at RCPT TO.
    return inbox?.channelType === 'email' && !isArchived(inbox) ? inbox : null
  }
}
