import { createHash } from 'node:crypto'
import { simpleParser, type ParsedMail } from 'mailparser'
import { type Attachment, type Inbox, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_MESSAGE } from '../../../shared/schemas/entities.ts'
import type { AttachmentService } from '../../services/attachments.ts'
import type { Clock } from '../../services/clock.ts'
import type { ContactService } from '../../services/contacts.ts'
import type { ConversationRules } from '../../services/conversation-rules.ts'
import type { ConversationService } from '../../services/conversations.ts'
import { isArchived } from '../../services/inboxes.ts'
import { KeyedQueue } from '../../services/keyed-queue.ts'
import type { MessageService } from '../../services/messages.ts'
import type { Store } from '../../store/types.ts'
import { incomingBody } from './mail-body.ts'
import { messageIdsIn, ownMessageId } from './message-ids.ts'
import { type Envelope, type InboundMailHandler, MailRejected } from './smtp-inbound.ts'

export interface EmailReceiverDeps {
  store: Store
  contacts: ContactService
  conversations: ConversationService
  messages: MessageService
  rules: ConversationRules
  attachments: AttachmentService
  clock: Clock
}

interface Sender {
  email: string
  name: string | undefined
}

/**
 * A customer's mail becomes an incoming message: from the contact with the sender's address, in the
 * conversation its In-Reply-To/References name (a mail we received or one of our replies), else in a
 * new one. The Message-ID is recorded before the message is written, so a second delivery of the same
 * mail (a sender's retry after a lost 250, a copy via another route) adds nothing, and a delivery cut
 * short by a crash is finished by the retry in the conversation first chosen.
 */
export class EmailReceiver implements InboundMailHandler {
  /** One account's mail is stored one at a time: find-or-create of contacts and threads must not interleave. */
  private readonly queue = new KeyedQueue()

  constructor(private readonly deps: EmailReceiverDeps) {}

  async accepts(address: string): Promise<boolean> {
    return (await this.inboxFor(address)) !== null
  }

  async deliver(raw: Buffer, envelope: Envelope): Promise<void> {
    // The Message-ID is global (one table row per id), so a mail addressed to several of our inboxes
    // lands in the first one named.
    const inbox = await this.firstInbox(envelope.rcptTo)
    if (!inbox) throw new MailRejected(550, '5.1.1 no such mailbox here')
    const mail = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, keepCidLinks: true })
    const from = mail.from?.value.find((a) => a.address)
    const email = (from?.address ?? envelope.mailFrom ?? '').trim().toLowerCase()
    if (!email.includes('@')) throw new MailRejected(550, '5.1.7 the mail names no sender address')
    const sender = { email, name: from?.name.trim() || undefined }
    // Without a Message-ID, the content stands in for it: the same bytes twice are the same mail.
    const rfcId = ownMessageId(mail.messageId) ?? `<${createHash('sha256').update(raw).digest('hex')}@no-message-id.invalid>`
    await this.queue.run(inbox.accountId, () => this.store(inbox, mail, sender, rfcId))
  }

  private async store(inbox: Inbox, mail: ParsedMail, sender: Sender, rfcId: string): Promise<void> {
    const { store, clock } = this.deps
    const earlier = await store.email.get(rfcId)
    if (earlier) {
      // Seen before. Our own reply coming back (a forwarding loop) or another account's copy: nothing to do.
      if (earlier.direction !== 'inbound' || earlier.accountId !== inbox.accountId || !earlier.messageId) return
      if (await store.getMessage(earlier.messageId)) return
      await this.addMessage(inbox, earlier.conversationId, earlier.messageId, mail)
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
      conversationId,
      messageId,
      direction: 'inbound',
      subject: mail.subject?.trim() || null,
      createdAt: clock.now(),
    })
    if (recorded) await this.addMessage(inbox, conversationId, messageId, mail)
  }

  private async addMessage(inbox: Inbox, conversationId: string, messageId: string, mail: ParsedMail): Promise<void> {
    const { body, fullText } = incomingBody(mail)
    const { attachments, notes } = await this.saveAttachments(inbox.accountId, mail, fullText)
    const text = [body || (attachments.length > 0 ? '' : '(no text)'), ...notes].filter(Boolean).join('\n\n')
    const message = await this.deps.messages.addIncoming(inbox.accountId, conversationId, text, messageId, attachments)
    // DESIGN §4 rule 4, by the same path as every channel: a customer's mail reopens the conversation.
    await this.deps.rules.onCustomerMessage(message)
  }

  /**
   * The conversation of the newest mail this one answers that we know, if it is this inbox's and this
   * sender's: someone else answering a thread (a colleague in Cc) starts their own conversation rather
   * than writing in another customer's name.
   */
  private async threadOf(inbox: Inbox, contactId: string, mail: ParsedMail): Promise<string | null> {
    const candidates = [...messageIdsIn(mail.inReplyTo), ...messageIdsIn(mail.references).reverse()]
    if (candidates.length === 0) return null
    const known = new Map((await this.deps.store.email.findMany(inbox.accountId, candidates)).map((r) => [r.rfcMessageId, r]))
    for (const id of candidates) {
      const record = known.get(id)
      if (!record) continue
      const conversation = await this.deps.store.getConversation(record.conversationId)
      if (conversation?.row.inboxId === inbox.id && conversation.row.contactId === contactId) return conversation.row.id
    }
    return null
  }

  private async saveAttachments(accountId: string, mail: ParsedMail, fullText: string | null) {
    const files = mail.attachments.map((a, i) => ({
      name: a.filename ?? `attachment-${i + 1}`,
      contentType: a.contentType,
      data: a.content,
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

  private async firstInbox(addresses: string[]): Promise<Inbox | null> {
    for (const address of addresses) {
      const inbox = await this.inboxFor(address)
      if (inbox) return inbox
    }
    return null
  }

  /** Addresses are matched as configured, or in lower case (the usual spelling of both sides). */
  private async inboxFor(address: string): Promise<Inbox | null> {
    const { store } = this.deps
    const trimmed = address.trim()
    const inbox =
      (await store.findInboxBySetting('emailAddress', trimmed)) ?? (await store.findInboxBySetting('emailAddress', trimmed.toLowerCase()))
    // An archived inbox takes no new mail: the sender's server hears 550 at RCPT TO.
    return inbox?.channelType === 'email' && !isArchived(inbox) ? inbox : null
  }
}
