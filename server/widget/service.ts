import type { Contact, Inbox, Message } from '../../shared/schemas/entities.ts'
import { isCustomerVisible } from '../../shared/schemas/entities.ts'
import type { ConversationRow } from '../../shared/schemas/conversation.ts'
import type { WidgetMessage, WidgetPostMessage, WidgetSession, WidgetSessionRequest } from '../../shared/schemas/widget.ts'
import type { AttachmentService, Download } from '../services/attachments.ts'
import type { Clock } from '../services/clock.ts'
import type { ConversationRules } from '../services/conversation-rules.ts'
import type { ConversationService } from '../services/conversations.ts'
import { ConflictError, NotFoundError } from '../services/errors.ts'
import { KeyedQueue } from '../services/keyed-queue.ts'
import type { MessageService } from '../services/messages.ts'
import type { Publish } from '../services/publisher.ts'
import type { Store } from '../store/types.ts'
import type { VisitorTokens } from './visitor-token.ts'

/** A verified visitor: the contact and the Website inbox their token names. */
export interface Visitor {
  contact: Contact
  inbox: Inbox
}

/** The widget shows the newest part of a long history; older messages stay in the agents' app. */
const HISTORY_LIMIT = 500

export class InvalidVisitorError extends Error {}

export interface WidgetServiceDeps {
  store: Store
  clock: Clock
  publish: Publish
  tokens: VisitorTokens
  conversations: ConversationService
  messages: MessageService
  rules: ConversationRules
  attachments: AttachmentService
}

/**
 * The website live chat: visitors identified by signed tokens, their messages stored like the API
 * channel's (the contact's latest unresolved conversation in the inbox, or a new one; a customer
 * message reopens a pending or snoozed one), and a customer's-eye view of their conversations.
 */
export class WidgetService {
  private readonly queue = new KeyedQueue()

  constructor(private readonly deps: WidgetServiceDeps) {}

  /** The Website inbox a public key belongs to. */
  async inboxForKey(key: string): Promise<Inbox | null> {
    const inbox = await this.deps.store.findInboxBySetting('widgetKey', key)
    return inbox?.channelType === 'live_chat' ? inbox : null
  }

  /** Who a token names, if it is genuine and its contact and inbox still fit together. */
  async authenticate(token: string | null | undefined): Promise<Visitor | null> {
    const claims = this.deps.tokens.verify(token, this.deps.clock.now())
    if (!claims) return null
    const [inbox, contact] = await Promise.all([this.deps.store.getInbox(claims.inboxId), this.deps.store.getContact(claims.contactId)])
    if (!inbox || inbox.channelType !== 'live_chat' || !contact || contact.accountId !== inbox.accountId) return null
    return { inbox, contact }
  }

  /**
   * A returning visitor (a genuine token for this key's inbox) gets a fresh token; a new one becomes a
   * new contact. A given email is recorded, never matched against existing contacts: otherwise typing
   * someone's address would hand over their conversations.
   */
  async startSession(input: WidgetSessionRequest): Promise<WidgetSession> {
    const inbox = await this.inboxForKey(input.key)
    if (!inbox) throw new NotFoundError('no website inbox has this key')
    let contact: Contact
    if (input.token !== undefined) {
      const visitor = await this.authenticate(input.token)
      if (!visitor || visitor.inbox.id !== inbox.id) throw new InvalidVisitorError('this visitor token is not valid for this inbox')
      contact = visitor.contact
    } else {
      contact = await this.newContact(inbox, input)
    }
    return {
      token: this.deps.tokens.issue(contact.id, inbox.id, this.deps.clock.now()),
      visitor: { name: contact.name, email: contact.email },
    }
  }

  private async newContact(inbox: Inbox, input: WidgetSessionRequest): Promise<Contact> {
    const id = this.deps.clock.id()
    const contact: Contact = {
      id,
      accountId: inbox.accountId,
      // Anonymous visitors are told apart in the list by a short suffix of their id.
      name: input.name || `Visitor ${id.slice(0, 4).toUpperCase()}`,
      email: input.email?.toLowerCase() ?? null,
      attributes: {},
      createdAt: this.deps.clock.now(),
    }
    this.deps.publish(inbox.accountId, await this.deps.store.insertContact(contact))
    return contact
  }

  /** The visitor's conversations in this inbox, newest first. */
  async conversationsOf(visitor: Visitor): Promise<ConversationRow[]> {
    const all = await this.deps.store.listConversationsOfContact(visitor.contact.id)
    return all.filter((c) => c.inboxId === visitor.inbox.id)
  }

  /** Every customer-visible message of the visitor's conversations in this inbox, oldest first. */
  async history(visitor: Visitor): Promise<WidgetMessage[]> {
    const conversations = await this.conversationsOf(visitor)
    const lists = await Promise.all(conversations.map((c) => this.deps.store.listMessages(c.id)))
    const visible = lists
      .flat()
      .filter((m) => isCustomerVisible(m.kind))
      .sort((a, b) => a.seq - b.seq)
      .slice(-HISTORY_LIMIT)
    const names = await this.agentNames(visitor.inbox.accountId)
    return visible.map((m) => toWidgetMessage(m, names))
  }

  /** A visitor's message. Idempotent on the widget's id: a retry returns the stored message. */
  send(visitor: Visitor, input: WidgetPostMessage): Promise<WidgetMessage> {
    // One visitor's messages one at a time: two first messages at once must not start two conversations.
    return this.queue.run(visitor.contact.id, async () => {
      const { store, conversations, messages, rules } = this.deps
      const earlier = await store.getMessage(input.id)
      if (earlier) return this.sameMessage(visitor, earlier)
      const conversation =
        (await store.findUnresolvedConversation(visitor.inbox.id, visitor.contact.id)) ??
        (await conversations.create({ accountId: visitor.inbox.accountId, inboxId: visitor.inbox.id, contactId: visitor.contact.id }))
      const message = await messages.addIncoming(visitor.inbox.accountId, conversation.id, input.body, input.id)
      if (message.conversationId !== conversation.id) return this.sameMessage(visitor, message)
      await rules.onCustomerMessage(message)
      return toWidgetMessage(message, new Map())
    })
  }

  /** A retried id is only "the same message" if it is this visitor's own: never reveal another's. */
  private async sameMessage(visitor: Visitor, message: Message): Promise<WidgetMessage> {
    const conversation = await this.deps.store.getConversation(message.conversationId)
    const own = conversation?.row.contactId === visitor.contact.id && conversation.row.inboxId === visitor.inbox.id
    if (!own || message.kind !== 'incoming') throw new ConflictError('this message id is already used by another message')
    return toWidgetMessage(message, new Map())
  }

  /** A file of a customer-visible message in one of the visitor's conversations (never a note's). */
  async openAttachment(visitor: Visitor, conversationId: string, attachmentId: string): Promise<Download> {
    const stored = await this.deps.store.getConversation(conversationId)
    if (!stored || stored.row.contactId !== visitor.contact.id || stored.row.inboxId !== visitor.inbox.id)
      throw new NotFoundError('attachment not found')
    return this.deps.attachments.openForCustomer(conversationId, attachmentId)
  }

  /** A new message as the widget shows it, or null when the customer must not see it. */
  async present(message: Message): Promise<WidgetMessage | null> {
    if (!isCustomerVisible(message.kind)) return null
    const author = message.authorAgentId ? await this.deps.store.getAgent(message.authorAgentId) : null
    return toWidgetMessage(message, new Map(author ? [[author.id, author.name]] : []))
  }

  private async agentNames(accountId: string): Promise<Map<string, string>> {
    return new Map((await this.deps.store.listAgents(accountId)).map((a) => [a.id, a.name]))
  }
}

/** Only what a customer may know: no account, agent or attachment-hash ids. */
function toWidgetMessage(m: Message, agentNames: ReadonlyMap<string, string>): WidgetMessage {
  return {
    id: m.id,
    conversationId: m.conversationId,
    kind: m.kind === 'reply' ? 'reply' : 'incoming',
    body: m.body,
    createdAt: m.createdAt,
    author: m.kind === 'reply' ? (m.authorAgentId ? (agentNames.get(m.authorAgentId) ?? 'Support') : 'Support') : null,
    attachments: m.attachments.map(({ id, name, contentType, size }) => ({ id, name, contentType, size })),
  }
}
