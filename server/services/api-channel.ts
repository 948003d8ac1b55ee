import type { ApiChannelMessage } from '../../shared/schemas/api.ts'
import type { Inbox } from '../../shared/schemas/entities.ts'
import type { Store } from '../store/types.ts'
import type { ContactService } from './contacts.ts'
import type { ConversationRules } from './conversation-rules.ts'
import type { ConversationService } from './conversations.ts'
import type { MessageService } from './messages.ts'
import { KeyedQueue } from './keyed-queue.ts'
import { hashToken } from './secrets.ts'
import { NotFoundError } from './errors.ts'

/** Incoming customer messages from the HTTP API channel: into the contact's latest unresolved
 *  conversation of that inbox, or a new one. */
export class ApiChannelService {
  private readonly queue = new KeyedQueue()

  constructor(
    private readonly store: Store,
    private readonly contacts: ContactService,
    private readonly conversations: ConversationService,
    private readonly messages: MessageService,
    private readonly rules: ConversationRules,
  ) {}

  /** The API inbox a bearer token belongs to (both API channel routes authenticate with it), or null. */
  async inboxForToken(token: string): Promise<Inbox | null> {
    const inbox = await this.store.directory.findInboxByTokenHash(hashToken(token))
    return inbox?.channelType === 'api' ? inbox : null
  }

  receive(inbox: Inbox, input: ApiChannelMessage) {
    const who = input.contact.email?.toLowerCase() ?? `name:${input.contact.name}`
    return this.queue.run(`${inbox.id}:${who}`, () => this.deliver(inbox, input))
  }

  /** Everything that can refuse the call is checked before anything is written: a rejected call
   *  leaves no contact behind (and no feed entry on the agents' devices). */
  private async deliver(inbox: Inbox, input: ApiChannelMessage) {
    const contact = input.conversationId
      ? await this.contactOfConversation(inbox, input)
      : await this.contacts.findOrCreate(inbox.accountId, input.contact)
    const conversation = input.conversationId
      ? await this.continued(inbox, contact.id, input.conversationId)
      : ((await this.store.conversations.findUnresolvedConversation(inbox.id, contact.id)) ??
        (await this.conversations.create({ accountId: inbox.accountId, inboxId: inbox.id, contactId: contact.id })))
    const message = await this.messages.addIncoming(inbox.accountId, conversation.id, input.body)
    await this.rules.onCustomerMessage(message)
    return { conversationId: conversation.id, messageId: message.id, contactId: contact.id }
  }

  /** A conversation named by the caller is continued only by its own contact, found by email (never
   *  made: a contact new to the account cannot own an existing conversation). */
  private async contactOfConversation(inbox: Inbox, input: ApiChannelMessage) {
    const email = input.contact.email?.trim().toLowerCase()
    const contact = email ? await this.store.contacts.findContactByEmail(inbox.accountId, email) : null
    if (!contact) throw new NotFoundError('no such conversation for this contact in this inbox')
    return contact
  }

  /** A conversation named by the caller must be this inbox's and this contact's. */
  private async continued(inbox: Inbox, contactId: string, conversationId: string) {
    const stored = await this.store.conversations.getConversation(conversationId)
    if (!stored || stored.row.inboxId !== inbox.id || stored.row.contactId !== contactId)
      throw new NotFoundError('no such conversation for this contact in this inbox')
    return stored.row
  }
}
