import type { ConversationRow } from '../../shared/schemas/conversation.ts'
import type { Contact, Message } from '../../shared/schemas/entities.ts'
import { isCustomerVisible } from '../../shared/schemas/entities.ts'
import type { WebhookEvent } from '../../shared/schemas/webhooks.ts'
import type { Status } from '../../shared/conversation-doc.ts'

// What a webhook's receiver gets. Every field is picked by name, never spread from a row: a
// conversation row carries the preview of its newest message, which may be an internal note, and
// notes never leave the inbox (DESIGN §4 rule 7).

export interface Envelope {
  /** The event's id: the same in every webhook's delivery of it, and on every retry. */
  id: string
  event: WebhookEvent
  createdAt: number
  accountId: string
  data: unknown
}

/** Only what the customer could see is announced: notes and activity lines are not. */
export const announcesMessage = (message: Pick<Message, 'kind'>): boolean => isCustomerVisible(message.kind)

const conversationRef = (c: Pick<ConversationRow, 'id' | 'number' | 'inboxId'>) => ({ id: c.id, number: c.number, inboxId: c.inboxId })

export function messageCreated(message: Message, conversation: ConversationRow, contact: Contact | null) {
  if (!announcesMessage(message)) throw new Error(`a ${message.kind} is never sent to a webhook`)
  return {
    message: {
      id: message.id,
      conversationId: message.conversationId,
      kind: message.kind,
      body: message.body,
      authorAgentId: message.authorAgentId,
      createdAt: message.createdAt,
      seq: message.seq,
      attachments: message.attachments.map((a) => ({ id: a.id, name: a.name, contentType: a.contentType, size: a.size })),
    },
    conversation: conversationRef(conversation),
    contact: contact && { id: contact.id, name: contact.name, email: contact.email, attributes: contact.attributes },
  }
}

export function statusChanged(conversation: ConversationRow, change: { from: Status; to: Status; by: string | null }) {
  return { conversationId: conversation.id, conversation: conversationRef(conversation), from: change.from, to: change.to, by: change.by }
}

export function assigneeChanged(conversation: ConversationRow, change: { from: string | null; to: string | null; by: string | null }) {
  return { conversationId: conversation.id, conversation: conversationRef(conversation), from: change.from, to: change.to, by: change.by }
}
