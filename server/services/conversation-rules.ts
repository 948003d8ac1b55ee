import { describeChange, isSnoozeDue, isStaleStatus, reopensOnCustomerMessage } from '../../shared/status-rules.ts'
import type { Message } from '../../shared/schemas/entities.ts'
import { SYSTEM_AUTHOR } from '../../shared/conversation-doc.ts'
import type { StateChange } from '../sync/doc-registry.ts'
import type { Store } from '../store/types.ts'
import type { ConversationService } from './conversations.ts'
import type { AccountDirectory, Directory } from './directory.ts'
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
    const { accountId, conversationId, before, after, origin } = change
    const directory = await this.directory.load(accountId)
    if (origin.kind === 'agent') {
      // The authenticated agent made this change, whatever `by` the update claims.
      const actor = directory.actor(origin.agentId)
      const lines = describeChange(before, after, { status: actor, assignee: actor, team: actor }, directory, formatTime)
      for (const line of lines) await this.messages.addActivity(accountId, conversationId, line)
    }
    await this.dropUnknownAssignment(accountId, conversationId, after, directory)
    const stored = await this.store.conversations.getConversation(conversationId)
    if (!stored) return
    const lastCustomer = stored.row.lastCustomerMessageSeq
    // Decided on the doc as it is when the correction is written, not on this change's snapshot: a
    // later, informed status may already stand, and must not be reopened.
    const corrected = await this.conversations.reopenIf(conversationId, lastCustomer, (state) => isStaleStatus(state, lastCustomer))
    if (corrected) {
      const who = directory.agent(corrected.by ?? (origin.kind === 'agent' ? origin.agentId : SYSTEM_AUTHOR))
      await this.messages.addActivity(
        accountId,
        conversationId,
        `Reopened automatically: ${who} set it to ${corrected.status} without having seen the customer's newest message`,
      )
    }
  }

  /** A doc can name anyone; only agents and teams of this account may hold a conversation. */
  private async dropUnknownAssignment(
    accountId: string,
    conversationId: string,
    after: StateChange['after'],
    directory: AccountDirectory,
  ): Promise<void> {
    const badAgent = after.assigneeId !== null && !directory.isAgent(after.assigneeId)
    const badTeam = after.teamId !== null && !directory.isTeam(after.teamId)
    if (!badAgent && !badTeam) return
    await this.conversations.clearAssignmentAsSystem(conversationId, { assignee: badAgent, team: badTeam })
    await this.messages.addActivity(accountId, conversationId, 'Assignment removed: not an agent or team of this account')
  }

  /** Rule 4: a customer message reopens a Resolved, Pending or Snoozed conversation. */
  async onCustomerMessage(message: Message): Promise<void> {
    const reopened = await this.conversations.reopenIf(message.conversationId, message.seq, reopensOnCustomerMessage)
    if (reopened) {
      await this.messages.addActivity(message.accountId, message.conversationId, `Reopened: the customer wrote while it was ${reopened.status}`)
    }
  }

  /** Rule 4: snoozes end on the server at their time. Returns the next wake-up time, if any. */
  async wakeDueSnoozes(): Promise<number | null> {
    const now = this.clock.now()
    const { due, next } = await this.store.conversations.dueSnoozes(now)
    for (const { id, accountId } of due) {
      const stored = await this.store.conversations.getConversation(id)
      if (!stored) continue
      const woken = await this.conversations.reopenIf(id, stored.row.statusSeenSeq, (state) => isSnoozeDue(state, now))
      if (woken) await this.messages.addActivity(accountId, id, 'Snooze ended: the conversation is open again')
    }
    return next
  }
}
