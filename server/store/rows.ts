import type { Agent, Contact, Inbox, Message } from '../../shared/schemas/entities.ts'
import type { AttributeDefinition } from '../../shared/schemas/attributes.ts'
import type { ConversationRow } from '../../shared/schemas/conversation.ts'
import type { AgentRecord } from './types.ts'

// Column-to-field mapping shared by the SQLite and PostgreSQL stores (same column names and shapes); kept apart so the queries stay readable.

export interface AgentColumns {
  id: string
  account_id: string
  name: string
  email: string
  role: string
  password_hash: string
  active: number
}
export const toAgentRecord = (r: AgentColumns): AgentRecord => ({
  id: r.id,
  accountId: r.account_id,
  name: r.name,
  email: r.email,
  role: r.role as Agent['role'],
  active: r.active !== 0,
  passwordHash: r.password_hash,
})
export const toAgent = (r: AgentColumns): Agent => {
  const { passwordHash: _omit, ...agent } = toAgentRecord(r)
  return agent
}

export interface InboxColumns {
  id: string
  account_id: string
  name: string
  channel_type: string
  settings: string
  archived: number
}
export const toInbox = (r: InboxColumns): Inbox => ({
  id: r.id,
  accountId: r.account_id,
  name: r.name,
  channelType: r.channel_type as Inbox['channelType'],
  settings: JSON.parse(r.settings) as Inbox['settings'],
  archived: r.archived !== 0,
})

export interface ContactColumns {
  id: string
  account_id: string
  name: string
  email: string | null
  unverified_email: string | null
  attributes: string
  created_at: number
}
export const toContact = (r: ContactColumns): Contact => ({
  id: r.id,
  accountId: r.account_id,
  name: r.name,
  email: r.email,
  ...(r.unverified_email === null ? {} : { unverifiedEmail: r.unverified_email }),
  attributes: JSON.parse(r.attributes) as Contact['attributes'],
  createdAt: r.created_at,
})

export interface MessageColumns {
  id: string
  account_id: string
  conversation_id: string
  kind: string
  body: string
  author_agent_id: string | null
  created_at: number
  seq: number
  attachments: string
  sender_verified: number | null
  /** JSON array of agent ids; NULL (or absent, before the column existed) for none. */
  mentions?: string | null
}
export const toMessage = (r: MessageColumns): Message => ({
  id: r.id,
  accountId: r.account_id,
  conversationId: r.conversation_id,
  kind: r.kind as Message['kind'],
  body: r.body,
  authorAgentId: r.author_agent_id,
  createdAt: r.created_at,
  seq: r.seq,
  attachments: JSON.parse(r.attachments) as Message['attachments'],
  ...(r.sender_verified === null ? {} : { senderVerified: r.sender_verified === 1 }),
  ...(r.mentions ? { mentions: JSON.parse(r.mentions) as string[] } : {}),
})

/** The mentions column's value: NULL for a message that mentions nobody. */
export const mentionsColumn = (mentions: readonly string[] | undefined): string | null =>
  mentions && mentions.length > 0 ? JSON.stringify(mentions) : null

export interface ConversationColumns {
  id: string
  account_id: string
  number: number
  inbox_id: string
  contact_id: string
  created_at: number
  last_activity_at: number
  last_message: string | null
  last_message_seq: number
  last_customer_message_seq: number
  last_visible_seq: number
  status: string
  snoozed_until: number | null
  status_seen_seq: number
  status_by: string | null
  status_at: number | null
  assignee_id: string | null
  team_id: string | null
  priority: string
  labels: string
  doc_state: Buffer | null
}
export const toConversationRow = (r: ConversationColumns): ConversationRow => ({
  id: r.id,
  accountId: r.account_id,
  number: r.number,
  inboxId: r.inbox_id,
  contactId: r.contact_id,
  createdAt: r.created_at,
  lastActivityAt: r.last_activity_at,
  lastMessage: r.last_message === null ? null : (JSON.parse(r.last_message) as ConversationRow['lastMessage']),
  lastMessageSeq: r.last_message_seq,
  lastCustomerMessageSeq: r.last_customer_message_seq,
  lastVisibleSeq: r.last_visible_seq,
  status: r.status as ConversationRow['status'],
  snoozedUntil: r.snoozed_until,
  statusSeenSeq: r.status_seen_seq,
  statusBy: r.status_by,
  statusAt: r.status_at,
  assigneeId: r.assignee_id,
  teamId: r.team_id,
  priority: r.priority as ConversationRow['priority'],
  labels: JSON.parse(r.labels) as string[],
})

export interface AttributeDefinitionColumns {
  id: string
  account_id: string
  key: string
  label: string
  type: string
  created_at: number
}
export const toAttributeDefinition = (r: AttributeDefinitionColumns): AttributeDefinition => ({
  id: r.id,
  accountId: r.account_id,
  key: r.key,
  label: r.label,
  type: r.type as AttributeDefinition['type'],
  createdAt: r.created_at,
})
