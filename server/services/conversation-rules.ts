import { describeChange, isSnoozeDue, isStaleStatus, reopensOnCustomerMessage } from '../../shared/status-rules.ts'
import type { Message } from '../../shared/schemas/entities.ts'
import type { StateChange } from '../sync/doc-registry.ts'
import type { Store } from '../store/types.ts'
import type { ConversationService } from './conversations.ts'
import type { Directory } from './directory.ts'
import type { MessageService } from './messages.ts'
import type { Clock } from './clock.ts'
import { KeyedQueue } from './keyed-queue.ts'

const formatTime = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC'

/**
 * DESIGN §4 rules 3 and 4 on the server, and the timeline's activity lines. Agents' edits arrive as
 * doc updates; the server answers with corrections written through the same doc path (origin server).
 */
export class ConversationRules {
  /** Rule work for one conversation runs one change at a time, so a correction is never written twice. */
  private readonly queue = new KeyedQueue()

  constructor(
    private readonly store: Store,
    private readonly conversations: ConversationService,
    private readonly messages: MessageService,
    private readonly directory: Directory,
    private readonly clock: Clock,
  ) {}

  /** Called after every projected change of a conversation doc. */
  onStateChange(change: StateChange): Promise<void> {
    return this.queue
      .run(change.conversationId, () => this.applyRules(change))
      .catch((error: unknown) => console.error(`rules for conversation ${change.conversationId} failed`, error))
  }

  private async applyRules(change: StateChange): Promise<void> {
    const { accountId, conversationId, before, after, origin, authors } = change
    if (origin.kind === 'agent') {
      const names = await this.directory.names(accountId)
      const actor = (by: string | null) => names.agent(by ?? origin.agentId)
      const actors = { status: actor(authors.status), assignee: actor(authors.assignee), team: actor(authors.team) }
      const lines = describeChange(before, after, actors, names, formatTime)
      for (const line of lines) await this.messages.addActivity(accountId, conversationId, line)
    }
    const stored = await this.store.getConversation(conversationId)
    if (!stored) return
    const lastCustomer = stored.row.lastCustomerMessageSeq
    if (isStaleStatus(after, lastCustomer)) {
      const names = await this.directory.names(accountId)
      const who = names.agent(authors.status ?? 'system')
      await this.conversations.setStatusAsSystem(conversationId, 'open', lastCustomer)
      await this.messages.addActivity(
        accountId,
        conversationId,
        `Reopened automatically: ${who} set it to ${after.status} without having seen the customer's newest message`,
      )
    }
  }

  /** Rule 4: a customer message reopens a Resolved, Pending or Snoozed conversation. */
  async onCustomerMessage(message: Message): Promise<void> {
    const stored = await this.store.getConversation(message.conversationId)
    if (!stored || !reopensOnCustomerMessage(stored.row)) return
    const was = stored.row.status
    await this.conversations.setStatusAsSystem(message.conversationId, 'open', message.seq)
    await this.messages.addActivity(message.accountId, message.conversationId, `Reopened: the customer wrote while it was ${was}`)
  }

  /** Rule 4: snoozes end on the server at their time. Returns the next wake-up time, if any. */
  async wakeDueSnoozes(): Promise<number | null> {
    const now = this.clock.now()
    const { due, next } = await this.store.dueSnoozes(now)
    for (const { id, accountId } of due) {
      const stored = await this.store.getConversation(id)
      if (!stored || !isSnoozeDue(stored.row, now)) continue
      await this.conversations.setStatusAsSystem(id, 'open', stored.row.statusSeenSeq)
      await this.messages.addActivity(accountId, id, 'Snooze ended: the conversation is open again')
    }
    return next
  }
}
