import type { RawData, WebSocket } from 'ws'
import { PresenceState } from '../../shared/presence.ts'
import { WidgetLiveAuth, type WidgetLivePush } from '../../shared/schemas/widget.ts'
import type { DomainEvent, DomainEvents } from '../services/domain-events.ts'
import type { DocRegistry } from '../sync/doc-registry.ts'
import type { LiveDoc } from '../sync/live-doc.ts'
import type { Visitor, WidgetService } from './service.ts'

/** A visitor with many tabs is fine; a script opening sockets by the hundred is not. */
const MAX_SOCKETS_PER_VISITOR = 10
const MAX_BUFFERED_BYTES = 1024 * 1024
/** Sockets still to say who they are: each holds little, but an unbounded number would add up. */
const MAX_PENDING = 1_000
/** The widget sends its token as the first frame at once; a socket that does not is dropped. */
export const AUTH_TIMEOUT_MS = 5_000
const MAX_AUTH_FRAME_BYTES = 1_024
export const CLOSE_TOO_MANY = 4429
export const CLOSE_NO_MESSAGES = 4400
export const CLOSE_UNAUTHORISED = 4401
const CLOSE_TRY_AGAIN_LATER = 1013

interface Subscriber {
  ws: WebSocket
  visitor: Visitor
  conversations: Set<string>
}

/**
 * The widget's live socket: pushes the visitor's new customer-visible messages, and "typing" while an
 * agent writes a reply in one of their conversations. Agents writing a note are never reported
 * (DESIGN §4 rule 7: nothing of a note reaches a customer, not even that one is being written).
 * The visitor token comes as the socket's first frame, `{type:'auth', token}`, never in the URL
 * (URLs end up in logs and proxies); the server answers `{type:'ready'}`.
 */
export class WidgetLive {
  private readonly byVisitor = new Map<string, Set<Subscriber>>()
  private readonly byContact = new Map<string, Set<Subscriber>>()
  private readonly byConversation = new Map<string, Set<Subscriber>>()
  /** The last typing push per conversation, so repeated awareness changes push nothing new. */
  private readonly typing = new Map<string, string>()
  private pending = 0
  /** The other server processes (server/cluster/): visitors connected there hear typing from here. */
  private remote: { typing(conversationId: string, agents: string[]): void } | null = null
  private readonly relayedTyping = new Map<string, string>()

  connect(remote: NonNullable<WidgetLive['remote']>): void {
    this.remote = remote
  }

  constructor(
    private readonly widget: WidgetService,
    private readonly docs: DocRegistry,
    events: DomainEvents,
  ) {
    events.on('message.created', (event) => this.onMessage(event))
    widget.onVisitorsRevoked((visitorIds) => this.revoke(visitorIds))
    widget.onVisitorContact((visitorId, contact) => this.adoptContact(visitorId, contact))
  }

  /** A visitor's first message makes their contact: their open sockets follow it from then on. */
  adoptContact(visitorId: string, contact: NonNullable<Visitor['contact']>): void {
    for (const sub of this.byVisitor.get(visitorId) ?? []) {
      sub.visitor = { ...sub.visitor, contact }
      addTo(this.byContact, contact.id, sub)
    }
  }

  /** A new socket: it must authenticate with its first frame within AUTH_TIMEOUT_MS. */
  accept(ws: WebSocket): void {
    if (this.pending >= MAX_PENDING) {
      ws.close(CLOSE_TRY_AGAIN_LATER, 'busy: try again later')
      return
    }
    this.pending += 1
    let waiting = true
    const settle = () => {
      if (!waiting) return false
      waiting = false
      this.pending -= 1
      clearTimeout(timer)
      ws.off('message', onFirst)
      return true
    }
    const timer = setTimeout(() => {
      if (settle()) ws.close(CLOSE_UNAUTHORISED, 'authenticate first: {"type":"auth","token":"..."}')
    }, AUTH_TIMEOUT_MS)
    const onFirst = (data: RawData, isBinary: boolean) => {
      if (!settle()) return
      const frame = isBinary || byteLength(data) > MAX_AUTH_FRAME_BYTES ? null : WidgetLiveAuth.safeParse(parseJson(data))
      if (!frame?.success) return ws.close(CLOSE_NO_MESSAGES, 'the first frame must be {"type":"auth","token":"..."}')
      // Anything sent while the token is checked breaks the protocol as any later frame does.
      ws.on('message', () => ws.close(CLOSE_NO_MESSAGES, 'the widget socket takes no messages'))
      void this.widget.authenticate(frame.data.token).then(
        (visitor) => {
          if (ws.readyState !== ws.OPEN) return
          if (!visitor) return ws.close(CLOSE_UNAUTHORISED, 'a valid visitor token is required')
          this.serve(ws, visitor)
        },
        (error: unknown) => {
          console.error('widget socket: authentication failed', error)
          ws.close(1011, 'internal error')
        },
      )
    }
    ws.on('message', onFirst)
    ws.on('close', settle)
    ws.on('error', settle)
  }

  /** Closes the sockets of revoked visitors (an agent blocked them). */
  revoke(visitorIds: readonly string[]): void {
    for (const id of visitorIds) {
      for (const sub of [...(this.byVisitor.get(id) ?? [])]) sub.ws.close(CLOSE_UNAUTHORISED, 'this visitor was blocked')
    }
  }

  private serve(ws: WebSocket, visitor: Visitor): void {
    const own = this.byVisitor.get(visitor.id)
    if (own && own.size >= MAX_SOCKETS_PER_VISITOR) {
      ws.close(CLOSE_TOO_MANY, 'too many live connections for this visitor')
      return
    }
    const sub: Subscriber = { ws, visitor, conversations: new Set() }
    // Registered at once, before any await: a message stored meanwhile is matched by contact.
    addTo(this.byVisitor, visitor.id, sub)
    if (visitor.contact) addTo(this.byContact, visitor.contact.id, sub)
    let gone = false
    const leave = () => {
      if (gone) return
      gone = true
      this.drop(sub)
    }
    ws.on('close', leave)
    ws.on('error', leave)
    send(sub, { type: 'ready' })
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
    const agents = typingAgents(live)
    if (this.remote) {
      // The visitor may be connected to another process: relay what changed, whoever watches here.
      const key = JSON.stringify(agents)
      if ((this.relayedTyping.get(live.conversationId) ?? '[]') !== key) {
        if (agents.length === 0) this.relayedTyping.delete(live.conversationId)
        else this.relayedTyping.set(live.conversationId, key)
        this.remote.typing(live.conversationId, agents)
      }
    }
    this.showTyping(live.conversationId, agents)
  }

  /** Tells the conversation's watching visitors who types a reply now, unless they know it already. */
  showTyping(conversationId: string, agents: string[]): void {
    const subs = this.byConversation.get(conversationId)
    if (!subs) return
    const key = JSON.stringify(agents)
    if ((this.typing.get(conversationId) ?? '[]') === key) return
    this.typing.set(conversationId, key)
    for (const sub of subs) send(sub, { type: 'typing', conversationId, agents })
  }

  /** Pushes a new customer-visible message to the sockets of its contact (here or relayed). */
  async onMessage(event: Extract<DomainEvent, { type: 'message.created' }>): Promise<void> {
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
    addTo(this.byConversation, conversationId, sub)
  }

  private drop(sub: Subscriber): void {
    removeFrom(this.byVisitor, sub.visitor.id, sub)
    if (sub.visitor.contact) removeFrom(this.byContact, sub.visitor.contact.id, sub)
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

function addTo(index: Map<string, Set<Subscriber>>, key: string, sub: Subscriber): void {
  const subs = index.get(key) ?? new Set<Subscriber>()
  subs.add(sub)
  index.set(key, subs)
}

function removeFrom(index: Map<string, Set<Subscriber>>, key: string, sub: Subscriber): void {
  const subs = index.get(key)
  subs?.delete(sub)
  if (subs?.size === 0) index.delete(key)
}

const byteLength = (data: RawData): number =>
  Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data instanceof ArrayBuffer ? data.byteLength : data.length

function parseJson(data: RawData): unknown {
  try {
    return JSON.parse(Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as Buffer).toString('utf8'))
  } catch {
    return null
  }
}
