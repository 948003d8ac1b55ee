import { z } from 'zod'

// Ids are UUIDs minted by whoever creates the thing (server, or the client for replies and notes,
// so that a retried POST is recognised as the same message).
export const Id = z.uuid()
export type Id = z.infer<typeof Id>

export const Timestamp = z.number().int().nonnegative()

export const ChannelType = z.enum(['live_chat', 'email', 'api'])
export type ChannelType = z.infer<typeof ChannelType>

export const Agent = z.object({
  id: Id,
  accountId: Id,
  name: z.string(),
  email: z.email(),
  role: z.enum(['admin', 'agent']),
  /** A deactivated agent stays in the directory so old assignments still show a name; pickers offer
   *  only active ones. */
  active: z.boolean().default(true),
})
export type Agent = z.infer<typeof Agent>

export const Team = z.object({
  id: Id,
  accountId: Id,
  name: z.string(),
  memberIds: z.array(Id),
})
export type Team = z.infer<typeof Team>

/** Channel settings of an inbox. None is secret: secrets (tokens) are stored hashed, elsewhere. */
export const InboxSettings = z.object({
  /** Email inbox: the address customers write to (inbound SMTP accepts mail for it). */
  emailAddress: z.email().optional(),
  /** Website inbox: the public key the embed snippet carries. */
  widgetKey: z.string().min(8).max(100).optional(),
})
export type InboxSettings = z.infer<typeof InboxSettings>

export const Inbox = z.object({
  id: Id,
  accountId: Id,
  name: z.string(),
  channelType: ChannelType,
  settings: InboxSettings.default({}),
  /** An archived inbox takes no new conversations; its conversations stay readable. */
  archived: z.boolean().default(false),
})
export type Inbox = z.infer<typeof Inbox>

export const AttributeValue = z.union([z.string(), z.number(), z.boolean(), z.null()])
export const CustomAttributes = z.record(z.string().max(100), AttributeValue)

export const Contact = z.object({
  id: Id,
  accountId: Id,
  name: z.string(),
  email: z.string().nullable(),
  /** An address the customer typed (the website chat) but nobody verified: shown, never matched. */
  unverifiedEmail: z.string().nullable().optional(),
  attributes: CustomAttributes,
  createdAt: Timestamp,
})
export type Contact = z.infer<typeof Contact>

// incoming: from the customer; reply: an agent's answer the customer sees;
// note: internal, never customer-visible (DESIGN §4 rule 7); activity: a system line in the timeline.
export const MessageKind = z.enum(['incoming', 'reply', 'note', 'activity'])
export type MessageKind = z.infer<typeof MessageKind>

/** A file stored by content hash under DATA_DIR; served only to those allowed to see its message. */
export const Attachment = z.object({
  id: Id,
  name: z.string().min(1).max(255),
  contentType: z.string().min(1).max(255),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
})
export type Attachment = z.infer<typeof Attachment>

export const MAX_ATTACHMENT_BYTES = 40 * 1024 * 1024
export const MAX_ATTACHMENTS_PER_MESSAGE = 15

export const Message = z.object({
  id: Id,
  accountId: Id,
  conversationId: Id,
  kind: MessageKind,
  body: z.string(),
  authorAgentId: Id.nullable(),
  createdAt: Timestamp,
  seq: z.number().int().positive(),
  attachments: z.array(Attachment).default([]),
  /** An incoming email's sender could not be verified (its From domain is not the envelope sender's,
   *  or a relay's DMARC check failed): false. Absent for everything that is not an incoming email. */
  senderVerified: z.boolean().optional(),
  /** A note's mentioned agents (a team mention stands for its members), as chosen in the editor;
   *  absent when it mentions nobody. */
  mentions: z.array(Id).max(100).optional(),
})
export type Message = z.infer<typeof Message>

export const isCustomerVisible = (kind: MessageKind): boolean => kind === 'incoming' || kind === 'reply'

export const MessagePreview = z.object({
  kind: MessageKind,
  body: z.string(),
  at: Timestamp,
  /** Who wrote a reply or note, so the list can say "You:" or the colleague's name. Previews stored
   *  before this field existed read as null. */
  authorAgentId: Id.nullable().default(null),
})
export type MessagePreview = z.infer<typeof MessagePreview>
