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
import { InProcessRelay, type Relay } from './relay.ts'
import { RedisRelay } from './redis-relay.ts'
import { RoomRelay } from './rooms.ts'

/** Longest a lease outlives a crashed holder (a snooze round or a compaction takes far less). */
const LEASE_TTL_MS = 60_000
/** Every open room reads the store this often for updates whose relay message was lost. */
const ROOM_CHECK_MS = 3_000
/** An update that came before one with a lower id waits this long for it before a catch-up. */
const GAP_GRACE_MS = 200

const BUS = 'bus'

const BusMessage = z.discriminatedUnion('t', [
  z.object({ t: z.literal('feed'), accountId: z.string(), message: FeedSocketMessage }),
  z.object({ t: z.literal('presence?'), accountId: z.string() }),
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
    this.roomRelay = new RoomRelay(relay, store.docs, this.exclusive, { checkMs: ROOM_CHECK_MS, gapGraceMs: GAP_GRACE_MS })
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
    this.roomRelay?.bind(ctx.docs)
    const publish = (message: BusMessage) => this.relay.publish(BUS, message)
    ctx.bus.connect({
      publish: (accountId, message) => publish({ t: 'feed', accountId, message }),
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
    this.offReconnect = this.relay.onReconnect(() => void this.nudgeFeeds(ctx))
    this.subscribed = this.relay.subscribe(BUS, (body) => {
      const parsed = BusMessage.safeParse(body)
      if (parsed.success) this.receive(ctx, parsed.data)
    })
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

  private receive(ctx: AppContext, message: BusMessage): void {
    switch (message.t) {
      case 'feed':
        return ctx.bus.deliver(message.accountId, message.message)
      case 'presence?':
        // A socket connected elsewhere: tell it who is in the rooms open here.
        for (const live of ctx.docs.loadedOf(message.accountId)) {
          const presence = presenceOf(live)
          if (presence.agents.length === 0) continue
          this.relay.publish(BUS, {
            t: 'feed',
            accountId: message.accountId,
            message: { type: 'presence', snapshot: false, conversations: [presence] },
          } satisfies BusMessage)
        }
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
    this.offReconnect()
    ;(await this.subscribed)?.()
    this.roomRelay?.close()
    await this.relay.close()
  }
}
