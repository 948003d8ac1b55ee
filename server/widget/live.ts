import type { WebSocket } from 'ws'
import { PresenceState } from '../../shared/presence.ts'
import type { WidgetLivePush } from '../../shared/schemas/widget.ts'
import type { DomainEvent, DomainEvents } from '../services/domain-events.ts'
import type { DocRegistry } from '../sync/doc-registry.ts'
import type { LiveDoc } from '../sync/live-doc.ts'
import type { Visitor, WidgetService } from './service.ts'

/** A visitor with many tabs is fine; a script opening sockets by the hundred is not. */
const MAX_SOCKETS_PER_VISITOR = 10
const MAX_BUFFERED_BYTES = 1024 * 1024
export const CLOSE_TOO_MANY = 4429
export const CLOSE_NO_MESSAGES = 4400

interface Subscriber {
  ws: WebSocket
  visitor: Visitor
  conversations: Set<string>
}

/**
 * The widget's live socket: pushes the visitor's new customer-visible messages, and "typing" while an
 * agent writes a reply in one of their conversations. Agents writing a note are never reported
 * (DESIGN §4 rule 7: nothing of a note reaches a customer, not even that one is being written).
 */
export class WidgetLive {
  private readonly byContact = new Map<string, Set<Subscriber>>()
  private readonly byConversation = new Map<string, Set<Subscriber>>()
  /** The last typing push per conversation, so repeated awareness changes push nothing new. */
  private readonly typing = new Map<string, string>()

  constructor(
    private readonly widget: WidgetService,
    private readonly docs: DocRegistry,
    events: DomainEvents,
  ) {
    events.on('message.created', (event) => this.onMessage(event))
  }

  serve(ws: WebSocket, visitor: Visitor): void {
    const own = this.byContact.get(visitor.contact.id) ?? new Set<Subscriber>()
    if (own.size >= MAX_SOCKETS_PER_VISITOR) {
      ws.close(CLOSE_TOO_MANY, 'too many live connections for this visitor')
      return
    }
    const sub: Subscriber = { ws, visitor, conversations: new Set() }
    // Registered at once, before any await: a message stored meanwhile is matched by contact.
    own.add(sub)
    this.byContact.set(visitor.contact.id, own)
    let gone = false
    const leave = () => {
      if (gone) return
      gone = true
      this.drop(sub)
    }
    ws.on('close', leave)
    ws.on('error', leave)
    ws.on('message', () => ws.close(CLOSE_NO_MESSAGES, 'the widget socket takes no messages'))
    void this.widget.conversationsOf(visitor).then(
      (conversations) => {
        if (gone) return
        for (const c of conversations) this.watch(sub, c.id)
        // The current picture: someone may be typing already.
        for (const live of this.docs.loadedOf(visitor.inbox.accountId)) {
          if (!sub.conversations.has(live.conversationId)) continue
          const agents = typingAgents(live)
          if (agents.length > 0) send(sub, { type: 'typing', conversationId: live.conversationId, agents })
        }
      },
      (error: unknown) => console.error('widget socket: loading conversations failed', error),
    )
  }

  /** A room's presence changed (the doc registry's hook): tell watching visitors who types a reply. */
  onRoomPresence(live: LiveDoc): void {
    const subs = this.byConversation.get(live.conversationId)
    if (!subs) return
    const agents = typingAgents(live)
    const key = JSON.stringify(agents)
    if ((this.typing.get(live.conversationId) ?? '[]') === key) return
    this.typing.set(live.conversationId, key)
    for (const sub of subs) send(sub, { type: 'typing', conversationId: live.conversationId, agents })
  }

  private async onMessage(event: Extract<DomainEvent, { type: 'message.created' }>): Promise<void> {
    const { conversation } = event
    const subs = [...(this.byContact.get(conversation.contactId) ?? [])].filter((s) => s.visitor.inbox.id === conversation.inboxId)
    if (subs.length === 0) return
    const message = await this.widget.present(event.message)
    if (!message) return
    for (const sub of subs) {
      // A visitor's first message starts a conversation this socket did not know yet.
      this.watch(sub, conversation.id)
      send(sub, { type: 'message', message })
    }
  }

  private watch(sub: Subscriber, conversationId: string): void {
    if (sub.conversations.has(conversationId)) return
    sub.conversations.add(conversationId)
    const subs = this.byConversation.get(conversationId) ?? new Set<Subscriber>()
    subs.add(sub)
    this.byConversation.set(conversationId, subs)
  }

  private drop(sub: Subscriber): void {
    const own = this.byContact.get(sub.visitor.contact.id)
    own?.delete(sub)
    if (own?.size === 0) this.byContact.delete(sub.visitor.contact.id)
    for (const id of sub.conversations) {
      const subs = this.byConversation.get(id)
      subs?.delete(sub)
      if (subs?.size === 0) {
        this.byConversation.delete(id)
        this.typing.delete(id)
      }
    }
  }
}

/** The names of the agents whose presence in the room says they are writing a reply, sorted. The
 *  names are the server's (stamped on every awareness update), not what a client claimed. */
function typingAgents(live: LiveDoc): string[] {
  const names = new Set<string>()
  for (const state of live.awareness.getStates().values()) {
    const parsed = PresenceState.safeParse(state)
    if (parsed.success && parsed.data.activity === 'replying') names.add(parsed.data.user.name)
  }
  return [...names].sort()
}

function send(sub: Subscriber, push: WidgetLivePush): void {
  const { ws } = sub
  if (ws.readyState !== ws.OPEN) return
  // A visitor whose tab stopped reading is dropped rather than buffered for without bound.
  if (ws.bufferedAmount > MAX_BUFFERED_BYTES) return ws.terminate()
  ws.send(JSON.stringify(push))
}
