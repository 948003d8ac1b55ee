import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible'
import { z } from 'zod'
import { FeedSocketMessage } from '../../shared/schemas/feed.ts'
import { ConversationRow } from '../../shared/schemas/conversation.ts'
import { Contact, Message, isCustomerVisible } from '../../shared/schemas/entities.ts'
import type { AppContext } from '../app-context.ts'
import type { Config } from '../config.ts'
import type { Clock } from '../services/clock.ts'
import type { LimiterOptions } from '../services/credential-limits.ts'
import type { Store } from '../store/types.ts'
import { type DocPeers, noPeers } from '../sync/doc-peers.ts'
import { presenceOf } from '../sync/presence.ts'
import { type Exclusive, StoreLeases, alone } from './exclusive.ts'
import { ListPresence } from './list-presence.ts'
import { Liveness } from './liveness.ts'
import { InProcessRelay, type Relay } from './relay.ts'
import { RedisRelay } from './redis-relay.ts'
import { RoomRelay } from './rooms.ts'

/** Longest a lease outlives a crashed holder (a snooze round or a compaction takes far less). */
const LEASE_TTL_MS = 60_000
/** Every open room reads the store this often for updates whose relay message was lost. */
const ROOM_CHECK_MS = 3_000
/** An update that came before one with a lower id waits this long for it before a catch-up. */
const GAP_GRACE_MS = 200
/** Each process beats this often; one silent for SILENT_MS is gone and its agents' presence with it
 *  (issue 11: within 5 s of a crash; 2 missed beats and a stall of 2 s are still tolerated). */
const BEAT_MS = 1_000
const SILENT_MS = 3_000
const LIVENESS_CHECK_MS = 250

const BUS = 'bus'

const BusMessage = z.discriminatedUnion('t', [
  /** `held`: for a presence push, by conversation and agent, the processes holding that agent's
   *  sockets (the publisher for any it omits). */
  z.object({
    t: z.literal('feed'),
    accountId: z.string(),
    message: FeedSocketMessage,
    held: z.record(z.string(), z.record(z.string(), z.array(z.string()))).optional(),
  }),
  /** `of`: only that process answers (it is back after being taken for gone). */
  z.object({ t: z.literal('presence?'), accountId: z.string(), of: z.string().optional() }),
  z.object({ t: z.literal('close-tokens'), hashes: z.array(z.string()) }),
  z.object({ t: z.literal('close-agent'), agentId: z.string() }),
  z.object({ t: z.literal('widget-message'), accountId: z.string(), message: Message, conversation: ConversationRow }),
  z.object({ t: z.literal('widget-contact'), visitorId: z.string(), contact: Contact }),
  z.object({ t: z.literal('widget-revoke'), visitorIds: z.array(z.string()) }),
  z.object({ t: z.literal('widget-typing'), conversationId: z.string(), agents: z.array(z.string()) }),
])
type BusMessage = z.infer<typeof BusMessage>

/** Without REDIS_URL the in-process relay (one process, as before); with it, Redis pub/sub. */
export function openRelay(config: Config): Promise<Relay> {
  return config.redisUrl ? RedisRelay.connect(config.redisUrl, config.redisPrefix) : Promise.resolve(new InProcessRelay())
}

/**
 * This process as one of several (DESIGN §6): the rooms' replicas kept in step, and the live pushes
 * (feed entries, presence, widget messages and typing, ended sessions, blocked visitors) carried to
 * the sockets connected to the other processes. Work one process runs at a time (snooze wake-ups,
 * compaction) takes a lease in the store. With the in-process relay all of it reduces to nothing.
 */
export class Cluster {
  readonly rooms: DocPeers
  readonly exclusive: Exclusive
  private readonly roomRelay: RoomRelay | null
  private readonly liveness: Liveness | null = null
  private readonly listPresence = new ListPresence()
  private ctx: AppContext | null = null
  private subscribed: Promise<() => void> | null = null
  private offReconnect: () => void = () => {}

  constructor(
    readonly relay: Relay,
    store: Store,
    clock: Clock,
  ) {
    if (!relay.shared) {
      this.rooms = noPeers
      this.exclusive = alone
      this.roomRelay = null
      return
    }
    this.exclusive = new StoreLeases(store.leases, relay.processId, () => clock.now(), LEASE_TTL_MS)
    this.liveness = new Liveness(
      relay,
      relay instanceof RedisRelay ? () => relay.connected : () => true,
      { beatMs: BEAT_MS, silentMs: SILENT_MS, checkMs: LIVENESS_CHECK_MS },
      { departed: (id) => this.departed(id), returned: (id) => this.returned(id) },
    )
    const liveness = this.liveness
    this.roomRelay = new RoomRelay(relay, store.docs, this.exclusive, {
      checkMs: ROOM_CHECK_MS,
      gapGraceMs: GAP_GRACE_MS,
      heard: (id) => liveness.heardFrom(id),
    })
    this.rooms = this.roomRelay
  }

  /** Sign-in limits counted in Redis, shared by every process; in memory while Redis is away. */
  limiter(): ((options: LimiterOptions) => RateLimiterAbstract) | undefined {
    const relay = this.relay
    if (!(relay instanceof RedisRelay)) return undefined
    return (options) =>
      new RateLimiterRedis({
        ...options,
        keyPrefix: `${relay.prefix}:limits:${options.keyPrefix ?? ''}`,
        storeClient: relay.client,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory(options),
      })
  }

  /** Wires the context's live parts to the relay, once the context is complete; `ready()` resolves
   *  when this process hears the others. */
  connect(ctx: AppContext): void {
    if (!this.relay.shared) return
    this.ctx = ctx
    this.roomRelay?.bind(ctx.docs)
    const publish = (message: BusMessage) => this.relay.publish(BUS, message)
    ctx.bus.connect({
      publish: (accountId, message) => {
        // Delivered here too (FeedBus): what this process's sockets were told, for `departed`.
        const held = this.heldFor(message)
        if (message.type === 'presence') for (const p of message.conversations) this.listPresence.record(accountId, p, held?.[p.conversationId], this.relay.processId)
        publish({ t: 'feed', accountId, message, ...(held ? { held } : {}) })
      },
      subscribed: (accountId) => publish({ t: 'presence?', accountId }),
    })
    ctx.auth.sockets.connect({
      closeTokens: (hashes) => publish({ t: 'close-tokens', hashes }),
      closeAgent: (agentId) => publish({ t: 'close-agent', agentId }),
    })
    ctx.widget.live.connect({ typing: (conversationId, agents) => publish({ t: 'widget-typing', conversationId, agents }) })
    ctx.events.on('message.created', ({ accountId, message, conversation }) => {
      // Only what a visitor may see travels for the widget's sockets (never a note).
      if (isCustomerVisible(message.kind)) publish({ t: 'widget-message', accountId, message, conversation })
    })
    ctx.widget.service.onVisitorContact((visitorId, contact) => publish({ t: 'widget-contact', visitorId, contact }))
    ctx.widget.service.onVisitorsRevoked((visitorIds) => publish({ t: 'widget-revoke', visitorIds: [...visitorIds] }))
    // Pushes published while Redis was away are lost: an empty push at the feed's head tells every
    // socket here whether it is behind (a client behind `after` pulls; DESIGN §3).
    this.offReconnect = this.relay.onReconnect(() => {
      void this.nudgeFeeds(ctx)
      this.reannouncePresence(ctx)
    })
    const liveness = this.liveness
    this.subscribed = Promise.all([
      this.relay.subscribe(BUS, (body, from) => {
        const parsed = BusMessage.safeParse(body)
        if (parsed.success) this.receive(ctx, parsed.data, from)
      }),
      liveness?.start(),
    ]).then(([unsubscribe]) => unsubscribe)
  }

  /** For a presence push: who holds each agent's sockets, from the room open here. */
  private heldFor(message: FeedSocketMessage): Record<string, Record<string, string[]>> | undefined {
    if (message.type !== 'presence' || !this.roomRelay) return undefined
    const held: Record<string, Record<string, string[]>> = {}
    for (const p of message.conversations) held[p.conversationId] = Object.fromEntries(this.roomRelay.holders(p.conversationId))
    return held
  }

  /** Tells the processes whose sockets listen to this account who is in the rooms open here. */
  private answerPresence(ctx: AppContext, accountId: string): void {
    for (const live of ctx.docs.loadedOf(accountId)) {
      const presence = presenceOf(live)
      if (presence.agents.length === 0) continue
      const message: FeedSocketMessage = { type: 'presence', snapshot: false, conversations: [presence] }
      this.relay.publish(BUS, { t: 'feed', accountId, message, held: this.heldFor(message) } satisfies BusMessage)
    }
  }

  /** A process went silent: its agents leave the rooms open here (whose presence is then pushed as
   *  usual) and the lists of this process's sockets (where the room may be open nowhere any more). */
  private departed(processId: string): void {
    this.roomRelay?.departed(processId)
    for (const { accountId, presence } of this.listPresence.departed(processId)) {
      this.ctx?.bus.deliver(accountId, { type: 'presence', snapshot: false, conversations: [presence] })
    }
  }

  /** A process taken for gone beats again: it re-announces its agents to the rooms and lists here. */
  private returned(processId: string): void {
    this.roomRelay?.returned(processId)
    for (const accountId of this.ctx?.bus.listening() ?? []) this.relay.publish(BUS, { t: 'presence?', accountId, of: processId } satisfies BusMessage)
  }

  /** Back from a Redis outage: presence pushed meanwhile was lost both ways (the rooms re-announce
   *  their awareness themselves, server/cluster/rooms.ts). */
  private reannouncePresence(ctx: AppContext): void {
    const accounts = new Set([...ctx.bus.listening(), ...(this.roomRelay?.accounts() ?? [])])
    for (const accountId of accounts) {
      this.answerPresence(ctx, accountId)
      if (ctx.bus.listening().includes(accountId)) this.relay.publish(BUS, { t: 'presence?', accountId } satisfies BusMessage)
    }
  }

  private async nudgeFeeds(ctx: AppContext): Promise<void> {
    for (const accountId of ctx.bus.listening()) {
      try {
        const after = await ctx.store.feed.lastSeq(accountId)
        ctx.bus.deliver(accountId, { type: 'entries', after, entries: [] })
      } catch (error) {
        console.error(`feed of ${accountId}: nudge after reconnecting failed`, error)
      }
    }
  }

  async ready(): Promise<void> {
    await this.subscribed
  }

  private receive(ctx: AppContext, message: BusMessage, from: string): void {
    switch (message.t) {
      case 'feed':
        if (message.message.type === 'presence') {
          this.liveness?.heardFrom(from)
          for (const p of message.message.conversations) this.listPresence.record(message.accountId, p, message.held?.[p.conversationId], from)
        }
        return ctx.bus.deliver(message.accountId, message.message)
      case 'presence?':
        // A socket connected elsewhere: tell it who is in the rooms open here.
        if (message.of === undefined || message.of === this.relay.processId) this.answerPresence(ctx, message.accountId)
        return
      case 'close-tokens':
        return ctx.auth.sockets.closeTokensHere(message.hashes)
      case 'close-agent':
        return ctx.auth.sockets.closeAgentHere(message.agentId)
      case 'widget-message':
        void ctx.widget.live.onMessage({ type: 'message.created', accountId: message.accountId, message: message.message, conversation: message.conversation })
        return
      case 'widget-contact':
        return ctx.widget.live.adoptContact(message.visitorId, message.contact)
      case 'widget-revoke':
        return ctx.widget.live.revoke(message.visitorIds)
      case 'widget-typing':
        return ctx.widget.live.showTyping(message.conversationId, message.agents)
    }
  }

  async close(): Promise<void> {
    await this.liveness?.close()
    this.offReconnect()
    ;(await this.subscribed)?.()
    this.roomRelay?.close()
    await this.relay.close()
  }
}
