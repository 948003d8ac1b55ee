import type { Message } from '../../shared/schemas/entities.ts'
import type { PostMessage } from '../../shared/schemas/api.ts'
import type { AgentRecord, InsertMessageResult, Store } from '../store/types.ts'
import type { DomainEvents } from './domain-events.ts'
import type { Outbox } from '../jobs/outbox.ts'
import type { AttachmentService } from './attachments.ts'
import type { Clock } from './clock.ts'
import { ConflictError, NotFoundError, ReplyCollisionError } from './errors.ts'
import { replyCollisions } from '../../shared/send-guard.ts'
import type { Publish } from './publisher.ts'
import { KeyedQueue } from './keyed-queue.ts'

export class MessageService {
  /** Per conversation, this process's inserts one after another (the send guard itself runs inside
   *  the insert's transaction: NewMessage.guard). */
  private readonly inserts = new KeyedQueue()

  constructor(
    private readonly store: Store,
    private readonly publish: Publish,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
    private readonly attachments: AttachmentService,
    private readonly outbox: Outbox,
  ) {}

  /** The jobs a new message causes (its mail, its webhooks), to be stored in its transaction. */
  private effects(m: Pick<Message, 'id' | 'accountId' | 'kind' | 'conversationId' | 'authorAgentId' | 'mentions'>) {
    const { id, kind, conversationId, authorAgentId, mentions } = m
    return this.outbox.prepare([
      { type: 'message.created', accountId: m.accountId, message: { id, kind, conversationId, authorAgentId, ...(mentions ? { mentions } : {}) } },
    ])
  }

  /** A note's mentions as stored: agents of the author's account, each once; none on a reply. */
  private async mentionsOf(agent: AgentRecord, input: PostMessage): Promise<string[] | undefined> {
    if (input.kind !== 'note' || !input.mentions?.length) return undefined
    const agents = new Set((await this.store.directory.listAgents(agent.accountId)).map((a) => a.id))
    const mentions = [...new Set(input.mentions)].filter((id) => agents.has(id))
    return mentions.length > 0 ? mentions : undefined
  }

  /** Publishes a stored message's feed entries and tells the rest of the server it exists. */
  private announce(result: InsertMessageResult): void {
    const m = result.message
    this.publish(m.accountId, result.entries)
    const conversation = result.entries.find((e) => e.kind === 'conversation')
    if (conversation?.kind === 'conversation')
      this.events.emit({ type: 'message.created', accountId: m.accountId, message: m, conversation: conversation.conversation })
  }

  /** A reply or note from an agent. Idempotent on the client's id (DESIGN §4 rule 5): the same id
   *  posted again returns the first result and writes nothing. */
  async postAgentMessage(agent: AgentRecord, conversationId: string, input: PostMessage): Promise<{ message: Message; duplicate: boolean }> {
    const conversation = await this.store.conversations.getConversation(conversationId)
    if (!conversation || conversation.row.accountId !== agent.accountId) throw new NotFoundError('conversation not found')
    // A retry of a stored message returns it, collision or not: it was sent already.
    const earlier = await this.store.conversations.getMessage(input.id)
    if (earlier) return this.sameMessage(earlier, agent, conversationId, input)
    const guarded = input.kind === 'reply' && !input.force
    const check = (newer: Message[]) => {
      const collisions = replyCollisions(newer, input.basedOnSeq, agent.id)
      if (collisions.length > 0) throw new ReplyCollisionError(collisions)
    }
    // Early, before uploads and jobs are prepared; the check that counts runs again in the insert's
    // transaction (NewMessage.guard), where no process can store a message in between.
    if (guarded) check(await this.store.conversations.visibleMessagesAfter(conversationId, input.basedOnSeq))
    const attachments = await this.attachments.forNewMessage(agent.accountId, input.attachmentIds ?? [])
    const mentions = await this.mentionsOf(agent, input)
    const effects = await this.effects({ id: input.id, accountId: agent.accountId, kind: input.kind, conversationId, authorAgentId: agent.id, mentions })
    const result = await this.inserts.run(conversationId, async () => {
      return this.store.conversations.insertMessage({
        ...(mentions ? { mentions } : {}),
        ...(guarded ? { guard: { afterSeq: input.basedOnSeq, check } } : {}),
        id: input.id,
        accountId: agent.accountId,
        conversationId,
        kind: input.kind,
        body: input.body,
        authorAgentId: agent.id,
        createdAt: this.clock.now(),
        attachments,
        jobs: effects.jobs,
      })
    })
    if (!result.created) return this.sameMessage(result.message, agent, conversationId, input)
    effects.committed()
    this.announce(result)
    return { message: result.message, duplicate: false }
  }

  /** An id is only "the same message" if it is the same message: never reveal or reuse another's. */
  private sameMessage(m: Message, agent: AgentRecord, conversationId: string, input: PostMessage) {
    if (m.accountId !== agent.accountId || m.conversationId !== conversationId || m.kind !== input.kind)
      throw new ConflictError('this message id is already used by another message')
    return { message: m, duplicate: true }
  }

  async addIncoming(
    accountId: string,
    conversationId: string,
    body: string,
    id: string = this.clock.id(),
    attachments: Message['attachments'] = [],
    /** Incoming email only (Message.senderVerified). */
    senderVerified?: boolean,
  ): Promise<Message> {
    return this.add({ id, accountId, conversationId, kind: 'incoming', body, authorAgentId: null, attachments, ...(senderVerified === undefined ? {} : { senderVerified }) })
  }

  async addActivity(accountId: string, conversationId: string, text: string): Promise<Message> {
    return this.add({ id: this.clock.id(), accountId, conversationId, kind: 'activity', body: text, authorAgentId: null, attachments: [] })
  }

  private async add(m: Omit<Message, 'seq' | 'createdAt'>): Promise<Message> {
    const effects = await this.effects(m)
    const result = await this.inserts.run(m.conversationId, () =>
      this.store.conversations.insertMessage({ ...m, createdAt: this.clock.now(), jobs: effects.jobs }),
    )
    if (!result.created) return result.message
    effects.committed()
    this.announce(result)
    return result.message
  }
}
