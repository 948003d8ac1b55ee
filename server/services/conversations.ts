import * as Y from 'yjs'
import { addLabel, removeLabel, SYSTEM_AUTHOR, writeField } from '../../shared/conversation-doc.ts'
import { type ConversationState, emptyConversationState, projectConversation } from '../../shared/project-conversation.ts'
import type { ConversationPatch } from '../../shared/schemas/api.ts'
import type { ConversationRow } from '../../shared/schemas/conversation.ts'
import type { Message } from '../../shared/schemas/entities.ts'
import type { DocRegistry } from '../sync/doc-registry.ts'
import { serverOrigin } from '../sync/origins.ts'
import type { AgentRecord, Store } from '../store/types.ts'
import type { Clock } from './clock.ts'
import { InvalidFieldError, NotFoundError } from './errors.ts'
import type { Directory } from './directory.ts'
import type { Publish } from './publisher.ts'

const EMPTY_DOC = Y.encodeStateAsUpdate(new Y.Doc())

export class ConversationService {
  constructor(
    private readonly store: Store,
    private readonly docs: DocRegistry,
    private readonly publish: Publish,
    private readonly clock: Clock,
    private readonly directory: Directory,
  ) {}

  async create(input: { accountId: string; inboxId: string; contactId: string }): Promise<ConversationRow> {
    const { row, entries } = await this.store.conversations.insertConversation(
      { id: this.clock.id(), createdAt: this.clock.now(), ...input },
      emptyConversationState,
      EMPTY_DOC,
    )
    this.publish(input.accountId, entries)
    return row
  }

  /** Loads a conversation the agent's account owns; anything else is "not found", never "forbidden",
   *  so ids of other accounts cannot be probed. */
  async getFor(agent: Pick<AgentRecord, 'accountId'>, conversationId: string): Promise<ConversationRow> {
    const stored = await this.store.conversations.getConversation(conversationId)
    if (!stored || stored.row.accountId !== agent.accountId) throw new NotFoundError('conversation not found')
    return stored.row
  }

  /** The conversation (as getFor) with its messages, oldest first. */
  async getWithMessages(agent: Pick<AgentRecord, 'accountId'>, conversationId: string): Promise<{ conversation: ConversationRow; messages: Message[] }> {
    const conversation = await this.getFor(agent, conversationId)
    return { conversation, messages: await this.store.conversations.listMessages(conversation.id) }
  }

  /** Script-facing state change: written into the doc as the agent, exactly as the app would. */
  async patch(agent: AgentRecord, conversationId: string, patch: ConversationPatch): Promise<ConversationRow> {
    const row = await this.getFor(agent, conversationId)
    if (patch.assigneeId || patch.teamId) {
      const directory = await this.directory.load(agent.accountId)
      if (patch.assigneeId && !directory.isActiveAgent(patch.assigneeId)) throw new InvalidFieldError('assigneeId', 'not an active agent of this account')
      if (patch.teamId && !directory.isTeam(patch.teamId)) throw new InvalidFieldError('teamId', 'not a team of this account')
    }
    const ctx = () => ({ by: agent.id, at: this.clock.now(), writeId: this.clock.id() })
    await this.docs.change(conversationId, { kind: 'agent', agentId: agent.id }, (doc) => {
      if (patch.status !== undefined) {
        const snoozedUntil = patch.status === 'snoozed' ? (patch.snoozedUntil ?? null) : null
        writeField(doc, 'status', { value: patch.status, snoozedUntil, seenSeq: patch.seenSeq ?? row.lastMessageSeq }, ctx())
      }
      if (patch.assigneeId !== undefined) writeField(doc, 'assignee', { value: patch.assigneeId }, ctx())
      if (patch.teamId !== undefined) writeField(doc, 'team', { value: patch.teamId }, ctx())
      if (patch.priority !== undefined) writeField(doc, 'priority', { value: patch.priority }, ctx())
      for (const label of patch.addLabels ?? []) addLabel(doc, label, ctx())
      for (const label of patch.removeLabels ?? []) removeLabel(doc, label)
    })
    return this.getFor(agent, conversationId)
  }

  /** Removes an assignee or team that is not the account's (origin server). */
  async clearAssignmentAsSystem(conversationId: string, which: { assignee: boolean; team: boolean }): Promise<void> {
    const ctx = () => ({ by: SYSTEM_AUTHOR, at: this.clock.now(), writeId: this.clock.id() })
    await this.docs.change(conversationId, serverOrigin, (doc) => {
      if (which.assignee) writeField(doc, 'assignee', { value: null }, ctx())
      if (which.team) writeField(doc, 'team', { value: null }, ctx())
    })
  }

  /** Clears the assignee or team when it still is `value` (an administrator deactivated the agent or
   *  deleted the team), through the doc path so every device converges. true if it was cleared. */
  async clearIfStill(conversationId: string, field: 'assignee' | 'team', value: string): Promise<boolean> {
    let cleared = false
    await this.docs.change(conversationId, serverOrigin, (doc) => {
      const state = projectConversation(doc)
      if ((field === 'assignee' ? state.assigneeId : state.teamId) !== value) return
      writeField(doc, field, { value: null }, { by: SYSTEM_AUTHOR, at: this.clock.now(), writeId: this.clock.id() })
      cleared = true
    })
    return cleared
  }

  /**
   * The server's own reopening (rules 3 and 4), through the same path as any client's edit. The
   * condition is checked on the doc inside the writing transaction, so a status someone set since the
   * rule was triggered is judged as it stands. Returns what was replaced, or null if nothing was.
   */
  async reopenIf(
    conversationId: string,
    seenSeq: number,
    condition: (state: ConversationState) => boolean,
  ): Promise<{ status: ConversationState['status']; by: string | null } | null> {
    let replaced: { status: ConversationState['status']; by: string | null } | null = null
    await this.docs.change(conversationId, serverOrigin, (doc) => {
      const state = projectConversation(doc)
      if (!condition(state)) return
      replaced = { status: state.status, by: state.statusBy }
      writeField(doc, 'status', { value: 'open', snoozedUntil: null, seenSeq }, { by: SYSTEM_AUTHOR, at: this.clock.now(), writeId: this.clock.id() })
    })
    return replaced
  }
}
