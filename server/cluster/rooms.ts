import { applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness'
import { z } from 'zod'
import { docName } from '../../shared/conversation-doc.ts'
import { PresenceState } from '../../shared/presence.ts'
import type { DocStore } from '../store/docs.ts'
import type { DocPeers } from '../sync/doc-peers.ts'
import type { DocRegistry } from '../sync/doc-registry.ts'
import type { LiveDoc } from '../sync/live-doc.ts'
import { relayOrigin } from '../sync/origins.ts'
import { AppliedIds } from './applied-ids.ts'
import { clientsOf, departedOrigin, dropStates, reassertOrigin, reassertion } from './room-awareness.ts'
import type { Relay } from './relay.ts'
import type { Exclusive } from './exclusive.ts'

export interface RoomRelayOptions {
  /** How often every open room checks the store for updates it missed (lost relay messages). */
  checkMs: number
  /** How long an out-of-order id may wait for the message before it (sent by another process at the
   *  same moment) before the room catches up from the store. */
  gapGraceMs: number
  /** Told of every process whose awareness arrives (a sign of life, server/cluster/liveness.ts). */
  heard?: (processId: string) => void
  /** How long a doc loaded here leaves a change the SQL row lacks to the process that stored it
   *  (server/sync/doc-peers.ts); default 2 s. */
  settleMs?: number
}

const RoomMessage = z.discriminatedUnion('t', [
  z.object({ t: z.literal('update'), id: z.number().int().positive(), update: z.string() }),
  z.object({ t: z.literal('awareness'), update: z.string() }),
  /** A process opened the room, or is back from an outage: the others send the presence of their
   *  sockets in it. */
  z.object({ t: z.literal('hello') }),
  /** The sender dropped this process's states when it went silent; it is back, and sends them again
   *  with a newer clock. */
  z.object({ t: z.literal('reassert'), process: z.string() }),
])
type RoomMessage = z.infer<typeof RoomMessage>

interface Room {
  live: LiveDoc
  ids: AppliedIds
  unsubscribe: (() => void) | null
  closed: boolean
  timer: NodeJS.Timeout | null
  catchingUp: Promise<void> | null
  again: boolean
  offAwareness: () => void
  /** Which process relayed each state held here that is not from a socket of this process. */
  owners: Map<number, string>
  /** Processes whose states were dropped here because they went silent. */
  dropped: Set<string>
}

/**
 * Keeps the replicas of a conversation doc in step across processes (DESIGN §6). Each update is in
 * the store before the process that made it relays `(doc, id, update)`; a process with the room open
 * applies it and notes the id. An id that is not the next one, a reconnection to Redis, and a check
 * every few seconds make the room read the store after the last id it holds, so a lost relay message
 * delays an update by at most the check interval and never loses it. Awareness is relayed as is
 * (never stored: a lost one is renewed by its client within 15 s), and each state is noted with the
 * process that relayed it, which holds its socket: when that process goes silent, its states are
 * dropped here at once (`departed`), and asked for again if it comes back (`returned`).
 */
export class RoomRelay implements DocPeers {
  readonly settleMs: number
  private readonly rooms = new Map<string, Room>()
  private registry: DocRegistry | null = null
  private readonly checker: NodeJS.Timeout
  private readonly offReconnect: () => void

  constructor(
    private readonly relay: Relay,
    private readonly docs: DocStore,
    private readonly leases: Exclusive,
    private readonly options: RoomRelayOptions,
  ) {
    this.settleMs = options.settleMs ?? 2_000
    this.checker = setInterval(() => this.checkAll(), options.checkMs)
    this.checker.unref()
    this.offReconnect = relay.onReconnect(() => {
      this.checkAll()
      this.reannounce()
    })
  }

  /** The registry whose replicas this keeps in step (it is built with this as its peers). */
  bind(registry: DocRegistry): void {
    this.registry = registry
  }

  opened(live: LiveDoc): void {
    const room: Room = {
      live,
      ids: new AppliedIds(live.lastUpdateId),
      unsubscribe: null,
      closed: false,
      timer: null,
      catchingUp: null,
      again: false,
      offAwareness: () => {},
      owners: new Map(),
      dropped: new Set(),
    }
    this.rooms.set(live.conversationId, room)
    const onAwareness = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
      if (origin === 'timeout') for (const client of removed) room.owners.delete(client)
      // Not what came from elsewhere, nor this process timing out states it stopped hearing about
      // (their own process still renews them), nor dropping those of a silent process (every
      // process drops them itself).
      if (origin === relayOrigin || origin === 'timeout' || origin === departedOrigin) return
      const update = encodeAwarenessUpdate(live.awareness, [...added, ...updated, ...removed])
      this.publish(live, { t: 'awareness', update: Buffer.from(update).toString('base64') })
    }
    live.awareness.on('update', onAwareness)
    room.offAwareness = () => live.awareness.off('update', onAwareness)
    // Subscribed first, then read the store: whatever was appended while the doc loaded is either in
    // this catch-up or in a message that comes after the subscription.
    void this.relay.subscribe(channelOf(live), (body, from) => this.receive(room, body, from)).then((unsubscribe) => {
      if (room.closed) return unsubscribe()
      room.unsubscribe = unsubscribe
      this.publish(live, { t: 'hello' })
      this.catchUp(room)
    })
  }

  closed(live: LiveDoc): void {
    const room = this.rooms.get(live.conversationId)
    if (!room || room.live !== live) return
    this.rooms.delete(live.conversationId)
    room.closed = true
    room.offAwareness()
    room.unsubscribe?.()
    if (room.timer) clearTimeout(room.timer)
  }

  appended(live: LiveDoc, id: number, update: Uint8Array): void {
    this.publish(live, { t: 'update', id, update: Buffer.from(update).toString('base64') })
    const room = this.rooms.get(live.conversationId)
    if (room?.live === live && room.ids.add(id)) this.scheduleCatchUp(room)
  }

  safeThrough(live: LiveDoc): number {
    const room = this.rooms.get(live.conversationId)
    return room?.live === live ? room.ids.through : 0
  }

  async exclusively(name: string, fn: () => Promise<void>): Promise<void> {
    await this.leases.exclusively(name, fn)
  }

  /** A process went silent: the states it relayed go, here and from this process's sockets. */
  departed(processId: string): void {
    for (const room of this.rooms.values()) {
      const own = ownClients(room.live)
      const gone: number[] = []
      for (const [client, owner] of room.owners) {
        if (owner !== processId) continue
        room.owners.delete(client)
        if (!own.has(client)) gone.push(client)
      }
      if (gone.length === 0) continue
      room.dropped.add(processId)
      dropStates(room.live.awareness, gone)
    }
  }

  /** A process declared gone beats again: where its states were dropped, it is asked for them. */
  returned(processId: string): void {
    for (const room of this.rooms.values()) {
      if (!room.dropped.delete(processId)) continue
      this.publish(room.live, { t: 'reassert', process: processId })
    }
  }

  /** The accounts with a room open here. */
  accounts(): Set<string> {
    return new Set([...this.rooms.values()].map((room) => room.live.accountId))
  }

  /** Which processes hold the sockets of each agent present in the room (this one for its own). */
  holders(conversationId: string): Map<string, string[]> {
    const room = this.rooms.get(conversationId)
    const held = new Map<string, string[]>()
    if (!room) return held
    const own = ownClients(room.live)
    for (const [client, state] of room.live.awareness.getStates()) {
      const parsed = PresenceState.safeParse(state)
      if (!parsed.success) continue
      const holder = own.has(client) ? this.relay.processId : (room.owners.get(client) ?? this.relay.processId)
      const list = held.get(parsed.data.user.id) ?? []
      if (!list.includes(holder)) list.push(holder)
      held.set(parsed.data.user.id, list)
    }
    return held
  }

  close(): void {
    clearInterval(this.checker)
    this.offReconnect()
    for (const room of [...this.rooms.values()]) this.closed(room.live)
  }

  private publish(live: LiveDoc, message: RoomMessage): void {
    this.relay.publish(channelOf(live), message)
  }

  private receive(room: Room, body: unknown, from: string): void {
    if (room.closed) return
    const parsed = RoomMessage.safeParse(body)
    if (!parsed.success) return
    const message = parsed.data
    const { live } = room
    if (message.t === 'update') {
      if (message.id <= room.ids.through) return
      this.registry?.applyRelayed(live, [Buffer.from(message.update, 'base64')])
      if (room.ids.add(message.id)) this.scheduleCatchUp(room)
    } else if (message.t === 'awareness') {
      this.options.heard?.(from)
      try {
        const update = Buffer.from(message.update, 'base64')
        const clients = clientsOf(update)
        const { meta, states } = live.awareness
        const before = clients.map((client) => meta.get(client))
        applyAwarenessUpdate(live.awareness, update, relayOrigin)
        // Only what was taken changes hands (a late message from where a socket was before is not).
        clients.forEach((client, i) => {
          if (meta.get(client) === before[i]) return
          if (states.has(client)) room.owners.set(client, from)
          else room.owners.delete(client)
        })
      } catch {
        // Another process sent what it accepted from its sockets; a bad one is dropped here too.
      }
    } else if (message.t === 'hello') {
      const own = [...ownClients(live)]
      if (own.length === 0) return
      const update = encodeAwarenessUpdate(live.awareness, own)
      this.publish(live, { t: 'awareness', update: Buffer.from(update).toString('base64') })
    } else if (message.process === this.relay.processId) {
      this.reassert(room)
    }
  }

  /** This process's sockets' states, one clock newer, here (its sockets adopt the clock) and, by the
   *  awareness listener, to the others. */
  private reassert(room: Room): void {
    const update = reassertion(room.live.awareness, [...ownClients(room.live)])
    if (update) applyAwarenessUpdate(room.live.awareness, update, reassertOrigin)
  }

  /** Back from a Redis outage: what changed meanwhile was lost both ways, and the others may have
   *  taken this process for gone and dropped its states. */
  private reannounce(): void {
    for (const room of this.rooms.values()) {
      if (room.closed || !room.unsubscribe) continue
      this.reassert(room)
      this.publish(room.live, { t: 'hello' })
    }
  }

  private checkAll(): void {
    for (const room of this.rooms.values()) this.catchUp(room)
  }

  private scheduleCatchUp(room: Room): void {
    if (room.timer) return
    room.timer = setTimeout(() => {
      room.timer = null
      if (room.ids.hasGap) this.catchUp(room)
    }, this.options.gapGraceMs)
    room.timer.unref()
  }

  /** Reads the store after the last id held and applies what is there; one at a time per room. */
  private catchUp(room: Room): void {
    if (room.closed) return
    if (room.catchingUp) {
      room.again = true
      return
    }
    room.catchingUp = (async () => {
      try {
        const rows = await this.docs.loadDocUpdatesAfter(docName(room.live.conversationId), room.ids.through)
        if (room.closed || rows.length === 0) return
        this.registry?.applyRelayed(room.live, rows.map((r) => r.data))
        room.ids.caughtUp(Math.max(...rows.map((r) => r.id)))
      } catch (error) {
        console.error(`doc ${room.live.conversationId}: catching up from the store failed`, error)
      }
    })().finally(() => {
      room.catchingUp = null
      if (room.again) {
        room.again = false
        this.catchUp(room)
      }
    })
  }
}

const channelOf = (live: LiveDoc): string => `room:${live.conversationId}`

const ownClients = (live: LiveDoc): Set<number> => new Set([...live.peers].flatMap((peer) => [...peer.awarenessIds]))
