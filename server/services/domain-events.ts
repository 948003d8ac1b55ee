import { z } from 'zod'
import type { ConversationRow } from '../../shared/schemas/conversation.ts'
import { MessageKind, type Message } from '../../shared/schemas/entities.ts'
import { SYSTEM_AUTHOR, Status } from '../../shared/conversation-doc.ts'
import type { StateChange } from '../sync/doc-registry.ts'

/**
 * What a change causes outside the database (webhooks, outbound mail), decided BEFORE the change
 * commits: the jobs it causes are written in the change's own transaction (Outbox), so a stored reply
 * can never lack its mail, nor a stored status change its webhook deliveries. Stored as the payload
 * of those jobs, hence a schema.
 */
export const PendingEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('message.created'),
    accountId: z.string(),
    message: z.object({
      id: z.string(),
      kind: MessageKind,
      conversationId: z.string(),
      /** Who wrote it (an agent's reply or note), and a note's mentioned agents: who is notified. */
      authorAgentId: z.string().nullable().optional(),
      mentions: z.array(z.string()).optional(),
    }),
  }),
  z.object({
    type: z.literal('conversation.status_changed'),
    accountId: z.string(),
    conversationId: z.string(),
    from: Status,
    to: Status,
    by: z.string().nullable(),
  }),
  z.object({
    type: z.literal('conversation.assignee_changed'),
    accountId: z.string(),
    conversationId: z.string(),
    from: z.string().nullable(),
    to: z.string().nullable(),
    by: z.string().nullable(),
  }),
])
export type PendingEvent = z.infer<typeof PendingEvent>
export type PendingEventType = PendingEvent['type']

/** Status and assignee changes of a projected doc change, whoever made them (agents, or the server's
 *  own rules: a correction is by SYSTEM_AUTHOR). */
export function stateChangeEvents({ accountId, conversationId, before, after, origin }: StateChange): PendingEvent[] {
  const by = origin.kind === 'agent' ? origin.agentId : SYSTEM_AUTHOR
  const events: PendingEvent[] = []
  if (before.status !== after.status)
    events.push({ type: 'conversation.status_changed', accountId, conversationId, from: before.status, to: after.status, by })
  if (before.assigneeId !== after.assigneeId)
    events.push({ type: 'conversation.assignee_changed', accountId, conversationId, from: before.assigneeId, to: after.assigneeId, by })
  return events
}

/** What happened, told AFTER it is stored, to what shows it live (the live-chat widget). Best effort:
 *  anything that must not be lost is a job decided on the PendingEvent instead. */
export type DomainEvent = { type: 'message.created'; accountId: string; message: Message; conversation: ConversationRow }

export type DomainEventType = DomainEvent['type']
type Listener<T extends DomainEventType> = (event: Extract<DomainEvent, { type: T }>) => void | Promise<void>
type AnyListener = (event: DomainEvent) => void | Promise<void>

export class DomainEvents {
  private readonly listeners = new Map<DomainEventType, Set<AnyListener>>()

  on<T extends DomainEventType>(type: T, listener: Listener<T>): () => void {
    let set = this.listeners.get(type)
    if (!set) {
      set = new Set()
      this.listeners.set(type, set)
    }
    // Only events of `type` reach this set, so the listener sees the event type it asked for.
    const any = listener as unknown as AnyListener
    set.add(any)
    return () => set.delete(any)
  }

  /** Listeners run after the emitter's work; one failing never stops the others. */
  emit(event: DomainEvent): void {
    for (const listener of this.listeners.get(event.type) ?? []) {
      queueMicrotask(() => {
        Promise.resolve(listener(event)).catch((error: unknown) => console.error(`${event.type} listener failed`, error))
      })
    }
  }
}
