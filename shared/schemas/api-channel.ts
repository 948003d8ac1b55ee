import { z } from 'zod'
import { ApiChannelContact, MaxBody } from './api.ts'
import { Attachment, Contact, Id, Timestamp } from './entities.ts'

// The API channel's REST surface for external systems (authenticated by an inbox token). Everything
// here is customer-facing: internal notes and activity lines have no place in it (DESIGN §4 rule 7).

export const ApiChannelNewConversation = z
  .object({
    /** A contact of the inbox's account (from POST /api/channels/api/contacts)... */
    contactId: Id.optional(),
    /** ...or a contact found by email, or made, as for an incoming message. */
    contact: ApiChannelContact.optional(),
    /** The customer's first message, if there is one yet. */
    body: z.string().trim().min(1).max(MaxBody).optional(),
  })
  .refine((c) => (c.contactId === undefined) !== (c.contact === undefined), {
    message: 'give either contactId or contact',
    path: ['contactId'],
  })
export type ApiChannelNewConversation = z.infer<typeof ApiChannelNewConversation>

export const ApiChannelConversationResult = z.object({
  conversationId: Id,
  /** The number agents see ("#42"). */
  number: z.number().int().positive(),
  contactId: Id,
  /** The first message's id, when a body was given. */
  messageId: Id.nullable(),
})

export const ApiChannelContactResult = Contact

/** A message as the customer sees it: what they wrote (incoming) and the agents' replies. */
export const CustomerMessage = z.object({
  id: Id,
  conversationId: Id,
  kind: z.enum(['incoming', 'reply']),
  body: z.string(),
  createdAt: Timestamp,
  /** Increasing within the account: pass the last one seen as `after` to read only newer messages. */
  seq: z.number().int().positive(),
  attachments: z.array(Attachment),
})
export type CustomerMessage = z.infer<typeof CustomerMessage>

export const CustomerMessages = z.object({ messages: z.array(CustomerMessage) })
