import { z } from 'zod'
import { Id, Timestamp } from './entities.ts'

/** Why an agent is told: mentioned in a note, given a conversation, or its customer wrote. */
export const NotificationType = z.enum(['mention', 'assigned', 'customer_reply'])
export type NotificationType = z.infer<typeof NotificationType>

/** One notification for one agent. It reaches only that agent's devices, through the feed (an
 *  agent-only entry, shared/feed-audience.ts), so an offline device gets it on reconnect, once. */
export const AgentNotification = z.object({
  id: Id,
  agentId: Id,
  type: NotificationType,
  conversationId: Id,
  conversationNumber: z.number().int().positive(),
  /** Who caused it (the mentioning or assigning agent), null for a customer reply. */
  actorId: Id.nullable(),
  /** The message (the note that mentions, the customer's message), when there is one. */
  messageId: Id.nullable(),
  createdAt: Timestamp,
  /** Set once the agent has opened the conversation or marked it read. */
  readAt: Timestamp.nullable(),
})
export type AgentNotification = z.infer<typeof AgentNotification>

/** How far one agent has read one conversation: customer messages with a seq above `seenSeq` are
 *  unread to that agent. Synced to the agent's other devices through the feed (agent-only entry). */
export const ReadMark = z.object({
  agentId: Id,
  conversationId: Id,
  seenSeq: z.number().int().nonnegative(),
  at: Timestamp,
})
export type ReadMark = z.infer<typeof ReadMark>
