import type { ApiChannelNewConversation, CustomerMessage } from '../../shared/schemas/api-channel.ts'
import type { Contact, Inbox, Message } from '../../shared/schemas/entities.ts'
import { isCustomerVisible } from '../../shared/schemas/entities.ts'
import type { Store } from '../store/types.ts'
import type { Clock } from './clock.ts'
import type { ContactInput, ContactService } from './contacts.ts'
import type { ConversationService } from './conversations.ts'
import { InvalidFieldError, NotFoundError } from './errors.ts'
import { KeyedQueue } from './keyed-queue.ts'
import type { MessageService } from './messages.ts'
import type { Publish } from './publisher.ts'

const toCustomerMessage = (m: Message & { kind: 'incoming' | 'reply' }): CustomerMessage => ({
  id: m.id,
  conversationId: m.conversationId,
  kind: m.kind,
  body: m.body,
  createdAt: m.createdAt,
  seq: m.seq,
  attachments: m.attachments,
})

const isVisible = (m: Message): m is Message & { kind: 'incoming' | 'reply' } => isCustomerVisible(m.kind)

const sameAttributes = (a: Contact['attributes'], b: Contact['attributes']) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v)

/**
 * The API channel's REST calls beyond "a customer wrote" (ApiChannelService): contacts,
 * conversations, and the customer's view of a conversation. Callers hold an inbox token; they see
 * only that inbox's conversations and never a note or an activity line (DESIGN §4 rule 7).
 */
export class ApiChannelRestService {
  private readonly queue = new KeyedQueue()

  constructor(
    private readonly store: Store,
    private readonly publish: Publish,
    private readonly clock: Clock,
    private readonly contacts: ContactService,
    private readonly conversations: ConversationService,
    private readonly messages: MessageService,
  ) {}

  /**
   * The account's contact with this email, or a new one (a contact without an email is always new).
   * An existing contact takes the name given, and the attributes given are merged into its own
   * (a key given replaces that key; keys not given stay): an external system can keep them current.
   */
  upsertContact(inbox: Inbox, input: ContactInput): Promise<{ contact: Contact; created: boolean }> {
    const email = input.email?.trim().toLowerCase()
    return this.queue.run(`${inbox.accountId}:${email ?? this.clock.id()}`, async () => {
      const existing = email ? await this.store.contacts.findContactByEmail(inbox.accountId, email) : null
      if (!existing) return { contact: await this.contacts.findOrCreate(inbox.accountId, input), created: true }
      const updated: Contact = {
        ...existing,
        name: input.name ?? existing.name,
        attributes: { ...existing.attributes, ...input.attributes },
      }
      if (updated.name === existing.name && sameAttributes(updated.attributes, existing.attributes)) return { contact: existing, created: false }
      this.publish(inbox.accountId, await this.store.contacts.updateContact(updated))
      return { contact: updated, created: false }
    })
  }

  /** Always a new conversation in the token's inbox, with the customer's first message if given. */
  async startConversation(inbox: Inbox, input: ApiChannelNewConversation) {
    const contact = input.contactId
      ? await this.store.contacts.getContact(input.contactId)
      : await this.contacts.findOrCreate(inbox.accountId, input.contact ?? {})
    // Another account's contact reads exactly like one that does not exist.
    if (!contact || contact.accountId !== inbox.accountId) throw new InvalidFieldError('contactId', 'no such contact')
    const conversation = await this.conversations.create({ accountId: inbox.accountId, inboxId: inbox.id, contactId: contact.id })
    const message = input.body ? await this.messages.addIncoming(inbox.accountId, conversation.id, input.body) : null
    return { conversationId: conversation.id, number: conversation.number, contactId: contact.id, messageId: message?.id ?? null }
  }

  /** What the customer can see of a conversation of this inbox, oldest first, after a seq. */
  async customerMessages(inbox: Inbox, conversationId: string, afterSeq: number): Promise<CustomerMessage[]> {
    const stored = await this.store.conversations.getConversation(conversationId)
    if (!stored || stored.row.inboxId !== inbox.id || stored.row.accountId !== inbox.accountId)
      throw new NotFoundError('conversation not found')
    // The store already selects incoming and reply only; filtered again because a leak here is the
    // one mistake this endpoint must never make.
    return (await this.store.conversations.visibleMessagesAfter(conversationId, afterSeq)).filter(isVisible).map(toCustomerMessage)
  }
}
