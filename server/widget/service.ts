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
import { isArchived } from '../services/inboxes.ts'
import type { MessageService } from '../services/messages.ts'
import type { Publish } from '../services/publisher.ts'
import type { Store } from '../store/types.ts'
import type { VisitorRecord } from '../store/visitors.ts'
import type { VisitorTokens } from './visitor-token.ts'
import { demoWidgetKey } from './demo-page.ts'

/** A verified visitor: their row, the Website inbox their token names, and their contact once they
 *  have written (null before the first message). */
export interface Visitor {
  id: string
  record: VisitorRecord
  inbox: Inbox
  contact: Contact | null
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
  /** Told when a visitor's first message gives them a contact (the live socket follows it). */
  private readonly contactListeners = new Set<(visitorId: string, contact: Contact) => void>()
  /** Told when visitors are revoked (their live sockets close). */
  private readonly revokeListeners = new Set<(visitorIds: string[]) => void>()

  constructor(private readonly deps: WidgetServiceDeps) {}

  onVisitorContact(listener: (visitorId: string, contact: Contact) => void): void {
    this.contactListeners.add(listener)
  }

  onVisitorsRevoked(listener: (visitorIds: string[]) => void): void {
    this.revokeListeners.add(listener)
  }

  /** The Website inbox a public key belongs to. */
  /** The demo workspace's website inbox key, for the demo page when no `?key=` is given. */
  demoKey(): Promise<string | null> {
    return demoWidgetKey(this.deps.store)
  }

  async inboxForKey(key: string): Promise<Inbox | null> {
    const inbox = await this.deps.store.directory.findInboxBySetting('widgetKey', key)
    return inbox?.channelType === 'live_chat' ? inbox : null
  }

  /** Who a token names, if it is genuine, not revoked, and its visitor, contact and inbox still fit together. */
  async authenticate(token: string | null | undefined): Promise<Visitor | null> {
    const claims = this.deps.tokens.verify(token, this.deps.clock.now())
    if (!claims) return null
    const { store } = this.deps
    const [record, inbox] = await Promise.all([store.visitors.get(claims.visitorId), store.directory.getInbox(claims.inboxId)])
    if (!record || record.revokedAt !== null || record.inboxId !== claims.inboxId) return null
    if (!inbox || inbox.channelType !== 'live_chat' || inbox.accountId !== record.accountId) return null
    const contact = record.contactId ? await store.contacts.getContact(record.contactId) : null
    if (record.contactId && contact?.accountId !== inbox.accountId) return null
    return { id: record.id, record, inbox, contact }
  }

  /**
   * A returning visitor (a genuine token for this key's inbox) gets a fresh token; a new one becomes a
   * visitor row, nothing more: no contact and no feed entry until the first message, so sessions
   * opened and abandoned cost the agents nothing. A given email is kept as unverified, never matched
   * against existing contacts: otherwise typing someone's address would hand over their conversations.
   */
  async startSession(input: WidgetSessionRequest): Promise<WidgetSession> {
    const inbox = await this.inboxForKey(input.key)
    if (!inbox) throw new NotFoundError('no website inbox has this key')
    let visitor: { id: string; name: string; email: string | null }
    if (input.token !== undefined) {
      const known = await this.authenticate(input.token)
      if (!known || known.inbox.id !== inbox.id) throw new InvalidVisitorError('this visitor token is not valid for this inbox')
      visitor = {
        id: known.id,
        name: known.contact?.name ?? known.record.name,
        email: known.contact ? (known.contact.unverifiedEmail ?? known.contact.email) : known.record.email,
      }
    } else {
      visitor = await this.newVisitor(inbox, input)
    }
    return {
      token: this.deps.tokens.issue(visitor.id, inbox.id, this.deps.clock.now()),
      visitor: { name: visitor.name, email: visitor.email },
    }
  }

  private async newVisitor(inbox: Inbox, input: WidgetSessionRequest): Promise<VisitorRecord> {
    const id = this.deps.clock.id()
    const record: VisitorRecord = {
      id,
      accountId: inbox.accountId,
      inboxId: inbox.id,
      contactId: null,
      // Anonymous visitors are told apart in the list by a short suffix of their id.
      name: input.name || `Visitor ${id.slice(0, 4).toUpperCase()}`,
      email: input.email?.toLowerCase() ?? null,
      createdAt: this.deps.clock.now(),
      revokedAt: null,
    }
    await this.deps.store.visitors.insert(record)
    return record
  }

  /** The visitor's contact, made now if this is their first message (the typed email unverified). */
  private async contactOf(visitor: Visitor): Promise<Contact> {
    if (visitor.contact) return visitor.contact
    const { record } = visitor
    const draft: Contact = {
      id: this.deps.clock.id(),
      accountId: record.accountId,
      name: record.name,
      email: null,
      ...(record.email ? { unverifiedEmail: record.email } : {}),
      attributes: {},
      createdAt: this.deps.clock.now(),
    }
    const { contact, entries } = await this.deps.store.visitors.contactFor(record.id, draft)
    if (entries.length > 0) this.deps.publish(record.accountId, entries)
    visitor.contact = contact
    for (const listener of this.contactListeners) listener(record.id, contact)
    return contact
  }

  /** Revokes the contact's visitors (an agent of the account blocked them): their tokens stop working
   *  at once. The ids revoked now; NotFoundError when the contact is not a visitor of the account. */
  async revokeVisitorsOf(accountId: string, contactId: string): Promise<string[]> {
    const revoked = await this.deps.store.visitors.revokeOfContact(accountId, contactId, this.deps.clock.now())
    if (revoked === null) throw new NotFoundError('no website visitor has this contact')
    for (const listener of this.revokeListeners) listener(revoked)
    return revoked
  }

  /** The visitor's conversations in this inbox, newest first. */
  async conversationsOf(visitor: Visitor): Promise<ConversationRow[]> {
    if (!visitor.contact) return []
    const all = await this.deps.store.conversations.listConversationsOfContact(visitor.contact.id)
    return all.filter((c) => c.inboxId === visitor.inbox.id)
  }

  /** Every customer-visible message of the visitor's conversations in this inbox, oldest first. */
  async history(visitor: Visitor): Promise<WidgetMessage[]> {
    const conversations = await this.conversationsOf(visitor)
    const lists = await Promise.all(conversations.map((c) => this.deps.store.conversations.listMessages(c.id)))
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
    // One visitor's messages one at a time: two first messages at once must not make two contacts or
    // start two conversations.
    return this.queue.run(visitor.id, async () => {
      const { store, conversations, messages, rules } = this.deps
      const earlier = await store.conversations.getMessage(input.id)
      if (earlier) return this.sameMessage(visitor, earlier)
      if (isArchived(visitor.inbox)) throw new ConflictError('this chat is closed: its inbox is archived')
      const contact = await this.contactOf(visitor)
      const conversation =
        (await store.conversations.findUnresolvedConversation(visitor.inbox.id, contact.id)) ??
        (await conversations.create({ accountId: visitor.inbox.accountId, inboxId: visitor.inbox.id, contactId: contact.id }))
      const message = await messages.addIncoming(visitor.inbox.accountId, conversation.id, input.body, input.id)
      if (message.conversationId !== conversation.id) return this.sameMessage(visitor, message)
      await rules.onCustomerMessage(message)
      return toWidgetMessage(message, new Map())
    })
  }

  /** A retried id is only "the same message" if it is this visitor's own: never reveal another's. */
  private async sameMessage(visitor: Visitor, message: Message): Promise<WidgetMessage> {
    const conversation = await this.deps.store.conversations.getConversation(message.conversationId)
    const own = visitor.contact !== null && conversation?.row.contactId === visitor.contact.id && conversation.row.inboxId === visitor.inbox.id
    if (!own || message.kind !== 'incoming') throw new ConflictError('this message id is already used by another message')
    return toWidgetMessage(message, new Map())
  }

  /** A file of a customer-visible message in one of the visitor's conversations (never a note's). */
  async openAttachment(visitor: Visitor, conversationId: string, attachmentId: string): Promise<Download> {
    const stored = await this.deps.store.conversations.getConversation(conversationId)
    if (!stored || !visitor.contact || stored.row.contactId !== visitor.contact.id || stored.row.inboxId !== visitor.inbox.id)
      throw new NotFoundError('attachment not found')
    return this.deps.attachments.openForCustomer(conversationId, attachmentId)
  }

  /** A new message as the widget shows it, or null when the customer must not see it. */
  async present(message: Message): Promise<WidgetMessage | null> {
    if (!isCustomerVisible(message.kind)) return null
    const author = message.authorAgentId ? await this.deps.store.directory.getAgent(message.authorAgentId) : null
    return toWidgetMessage(message, new Map(author ? [[author.id, author.name]] : []))
  }

  private async agentNames(accountId: string): Promise<Map<string, string>> {
    return new Map((await this.deps.store.directory.listAgents(accountId)).map((a) => [a.id, a.name]))
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
