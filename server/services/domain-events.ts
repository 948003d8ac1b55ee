import type { ConversationRow } from '../../shared/schemas/conversation.ts'
import type { Message } from '../../shared/schemas/entities.ts'
import type { Status } from '../../shared/conversation-doc.ts'

/** What happened in an account, for what acts on it outside the inbox: webhooks, outbound mail, the
 *  live-chat widget. Emitted after the change is stored. */
export type DomainEvent =
  | { type: 'message.created'; accountId: string; message: Message; conversation: ConversationRow }
  | { type: 'conversation.status_changed'; accountId: string; conversationId: string; from: Status; to: Status; by: string | null }
  | {
      type: 'conversation.assignee_changed'
      accountId: string
      conversationId: string
      from: string | null
      to: string | null
      by: string | null
    }

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
