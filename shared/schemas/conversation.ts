import { z } from 'zod'
import { Id, MessagePreview, Timestamp } from './entities.ts'
import { ConversationState } from '../project-conversation.ts'

/** Facts the server alone decides: who, where, when, and the seqs of the newest messages. */
export const ConversationFacts = z.object({
  id: Id,
  accountId: Id,
  number: z.number().int().positive(),
  inboxId: Id,
  contactId: Id,
  createdAt: Timestamp,
  lastActivityAt: Timestamp,
  lastMessage: MessagePreview.nullable(),
  lastMessageSeq: z.number().int().nonnegative(),
  /** Rule 3 compares a status's seenSeq with this. */
  lastCustomerMessageSeq: z.number().int().nonnegative(),
  /** Newest message the customer can see (incoming or reply): the send guard compares with this. */
  lastVisibleSeq: z.number().int().nonnegative(),
})
export type ConversationFacts = z.infer<typeof ConversationFacts>

export const ConversationRow = z.object({ ...ConversationFacts.shape, ...ConversationState.shape })
export type ConversationRow = z.infer<typeof ConversationRow>
