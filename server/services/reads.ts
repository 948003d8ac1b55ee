import type { ReadMark } from '../../shared/schemas/notifications.ts'
import type { MarkRead } from '../../shared/schemas/read-marks.ts'
import type { AgentRecord, Store } from '../store/types.ts'
import type { Clock } from './clock.ts'
import type { ConversationService } from './conversations.ts'
import type { Publish } from './publisher.ts'

/**
 * The calling agent's read position in a conversation of their account. The mark only moves forward
 * (two devices, or a late request from one that was offline, cannot make read messages unread again)
 * unless the agent asks for "Mark as unread". It never passes the conversation's newest message: a
 * mark far ahead would silently swallow every message still to come.
 */
export class ReadService {
  constructor(
    private readonly store: Store,
    private readonly conversations: ConversationService,
    private readonly publish: Publish,
    private readonly clock: Clock,
  ) {}

  async mark(agent: AgentRecord, conversationId: string, input: MarkRead): Promise<ReadMark> {
    const conversation = await this.conversations.getFor(agent, conversationId)
    const { mark, entries } = await this.store.reads.mark({
      accountId: agent.accountId,
      agentId: agent.id,
      conversationId: conversation.id,
      seenSeq: Math.min(input.seenSeq, conversation.lastMessageSeq),
      at: this.clock.now(),
      exact: input.unread === true,
    })
    this.publish(agent.accountId, entries)
    return mark
  }
}
