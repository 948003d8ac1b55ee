import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import { docName } from '../../shared/conversation-doc.ts'
import { ConversationState, projectConversation, sameState } from '../../shared/project-conversation.ts'
import type { FeedEntry } from '../../shared/schemas/feed.ts'
import type { Store } from '../store/types.ts'
import type { PreparedJobs } from '../jobs/outbox.ts'
import { LiveDoc, type RoomPeer } from './live-doc.ts'
import { type UpdateOrigin, isUpdateOrigin, relayOrigin, serverOrigin } from './origins.ts'
import { type DocPeers, noPeers } from './doc-peers.ts'
import { MESSAGE_SYNC } from './protocol.ts'
import { DocTooLargeError, admit } from './doc-limits.ts'

export interface StateChange {
  conversationId: string
  accountId: string
  before: ConversationState
  after: ConversationState
  origin: UpdateOrigin
}

export interface DocRegistryHooks {
  /** New feed entries written by the registry (projection saves), to be pushed to clients. */
  onEntries(accountId: string, entries: FeedEntry[]): void
  /** The jobs a projected change causes (webhook deliveries), saved in the same transaction as it. */
  jobsFor(change: StateChange): Promise<PreparedJobs>
  /** A projected field changed; runs after the change is persisted, outside the doc's write chain. */
  onStateChange(change: StateChange): void
  /** Someone came, went, or changed what they are doing in a room. */
  onPresence(live: LiveDoc): void
}

export interface DocRegistryOptions {
  idleMs: number
  /** Merge the stored update log into one row after this many appends. */
  compactAfter: number
}

export class UnknownConversationError extends Error {}
export class InvalidUpdateError extends Error {}
/** The update builds on edits the server does not have: Yjs keeps it aside (in memory) until they
 *  come, so it is not stored yet and must not be acknowledged as if it were. */
export class IncompleteUpdateError extends Error {}

/**
 * Owns the server's replicas of conversation docs: loads them from the store, appends every update to
 * the store before forwarding it to the room (unlike a debounced store, an acknowledged edit is never
 * lost), projects each change to the conversation's SQL columns, compacts the log, and unloads docs
 * that nobody uses.
 */
export class DocRegistry {
  private readonly live = new Map<string, LiveDoc>()
  private readonly loading = new Map<string, Promise<LiveDoc>>()
  /** Replicas whose projection a relayed update changed: the SQL row may need the merged state. */
  private readonly relayTouched = new WeakSet<LiveDoc>()

  constructor(
    private readonly store: Store,
    private readonly hooks: DocRegistryHooks,
    private readonly options: DocRegistryOptions,
    private readonly peers: DocPeers = noPeers,
  ) {}

  get loadedCount(): number {
    return this.live.size
  }

  isLoaded(conversationId: string): boolean {
    return this.live.has(conversationId)
  }

  /** The docs held in memory for an account (where presence can be). */
  *loadedOf(accountId: string): Iterable<LiveDoc> {
    for (const live of this.live.values()) if (live.accountId === accountId) yield live
  }

  /** Loads (or returns) the doc; concurrent callers share one load. */
  async open(conversationId: string): Promise<LiveDoc> {
    const existing = this.live.get(conversationId)
    if (existing) return existing
    let pending = this.loading.get(conversationId)
    if (!pending) {
      pending = this.load(conversationId).finally(() => this.loading.delete(conversationId))
      this.loading.set(conversationId, pending)
    }
    return pending
  }

  private async load(conversationId: string): Promise<LiveDoc> {
    const stored = await this.store.conversations.getConversation(conversationId)
    if (!stored) throw new UnknownConversationError(conversationId)
    const rows = await this.store.docs.loadDocUpdates(docName(conversationId))
    // The baseline is what SQL holds, so a projection lost to a crash after an append is repaired below.
    const live = new LiveDoc(conversationId, stored.row.accountId, ConversationState.parse(stored.row), this.hooks.onPresence)
    Y.transact(live.doc, () => {
      for (const row of rows) Y.applyUpdate(live.doc, row.data)
    })
    live.lastUpdateId = rows.at(-1)?.id ?? 0
    live.updatesSinceCompaction = rows.length
    live.approxBytes = rows.reduce((sum, row) => sum + row.data.byteLength, 0)
    live.doc.on('update', (update: Uint8Array, origin: unknown) => this.onUpdate(live, update, origin))
    this.live.set(conversationId, live)
    this.peers.opened(live)
    const loaded = projectConversation(live.doc)
    if (this.peers.settleMs === 0 || sameState(live.projection, loaded)) {
      live.stateTouched = true
      live.chain = live.chain.then(() => this.project(live, serverOrigin))
    } else {
      // Another process may have stored this change a moment ago and be saving its projection (with
      // its jobs and rules) right now: credited to it, not run twice. Only if the row still lacks it
      // once that process has had time is it repaired here (it crashed in between).
      const atLoad = live.projection
      live.projection = loaded
      const timer = setTimeout(() => {
        live.chain = live.chain.then(() => this.repairUnsaved(live, atLoad, loaded))
      }, this.peers.settleMs)
      timer.unref()
    }
    this.scheduleUnload(live)
    return live
  }

  /** The fields the doc changed before it was loaded here and that nobody has saved since: projected
   *  now, with their jobs and rules, from the SQL row as it stands. */
  private async repairUnsaved(live: LiveDoc, rowAtLoad: ConversationState, loaded: ConversationState): Promise<void> {
    if (this.live.get(live.conversationId) !== live) return
    try {
      const stored = await this.store.conversations.getConversation(live.conversationId)
      if (!stored) return
      const row = ConversationState.parse(stored.row)
      const unsaved = (Object.keys(loaded) as (keyof ConversationState)[]).some(
        (key) => !sameValue(loaded[key], rowAtLoad[key]) && sameValue(row[key], rowAtLoad[key]),
      )
      if (!unsaved) return
      live.projection = row
      live.stateTouched = true
      await this.project(live, serverOrigin)
    } catch (error) {
      console.error(`doc ${live.conversationId}: repairing an unsaved projection failed`, error)
    }
  }

  private onUpdate(live: LiveDoc, update: Uint8Array, origin: unknown): void {
    if (origin === relayOrigin) return this.onRelayed(live, update)
    const from: UpdateOrigin = isUpdateOrigin(origin) ? origin : { kind: 'server' }
    const except = from.kind === 'agent' ? (from.connection as RoomPeer | undefined) : undefined
    live.approxBytes += update.byteLength
    live.chain = live.chain.then(async () => {
      try {
        live.lastUpdateId = await this.store.docs.appendDocUpdate(docName(live.conversationId), update)
        live.updatesSinceCompaction += 1
        this.peers.appended(live, live.lastUpdateId, update)
      } catch (error) {
        // Not persisted, so not forwarded: peers would otherwise hold an edit the server could lose.
        // The replica keeps it and the next compaction writes it.
        console.error(`doc ${live.conversationId}: append failed`, error)
        return
      }
      live.broadcast(updateMessage(update), except)
      await this.project(live, from)
      if (live.updatesSinceCompaction >= this.options.compactAfter) this.compactAside(live)
    })
  }

  /** Another process appended this update (and projected it, with its jobs and rules): forward it to
   *  the room here. The SQL row is written again only if it lacks what this replica now holds, which
   *  happens when two processes saved concurrent edits, each without the other's. */
  private onRelayed(live: LiveDoc, update: Uint8Array): void {
    live.approxBytes += update.byteLength
    live.chain = live.chain.then(async () => {
      live.broadcast(updateMessage(update))
      if (!this.relayTouched.delete(live)) return
      const after = projectConversation(live.doc)
      try {
        const stored = await this.store.conversations.getConversation(live.conversationId)
        if (stored && sameState(ConversationState.parse(stored.row), after)) return
        const entries = await this.store.conversations.saveConversationState(live.conversationId, after, Y.encodeStateAsUpdate(live.doc))
        this.hooks.onEntries(live.accountId, entries)
      } catch (error) {
        console.error(`doc ${live.conversationId}: saving a relayed change failed`, error)
      }
    })
  }

  /**
   * Applies updates another process appended (its relay message, or a catch-up from the store). What
   * they change in the projection moves this replica's baseline too, so that a local edit projected
   * next is not credited with them (their jobs and rules ran on the process that made them).
   */
  applyRelayed(live: LiveDoc, updates: Uint8Array[]): void {
    if (updates.length === 0 || this.live.get(live.conversationId) !== live) return
    const before = projectConversation(live.doc)
    Y.transact(live.doc, () => {
      for (const update of updates) Y.applyUpdate(live.doc, update, relayOrigin)
    }, relayOrigin)
    const after = projectConversation(live.doc)
    if (sameState(before, after)) return
    live.projection = shiftedBaseline(live.projection, before, after)
    this.relayTouched.add(live)
  }

  private async project(live: LiveDoc, origin: UpdateOrigin): Promise<void> {
    // Keystrokes in the shared note change nothing projected: skip the work.
    if (!live.stateTouched) return
    live.stateTouched = false
    const after = projectConversation(live.doc)
    const before = live.projection
    if (sameState(before, after)) return
    live.projection = after
    const change: StateChange = { conversationId: live.conversationId, accountId: live.accountId, before, after, origin }
    const effects = await this.hooks.jobsFor(change)
    const entries = await this.store.conversations.saveConversationState(live.conversationId, after, Y.encodeStateAsUpdate(live.doc), effects.jobs)
    effects.committed()
    this.hooks.onEntries(live.accountId, entries)
    queueMicrotask(() => this.hooks.onStateChange(change))
  }

  /** Compacts beside the doc's write chain, not in it: the next update's append (and so its
   *  forwarding) never waits for a merge, a lease and a rewrite of the log. */
  private compactAside(live: LiveDoc): void {
    if (live.compacting) return
    live.compacting = this.compact(live)
      .catch((error: unknown) => console.error(`doc ${live.conversationId}: compaction failed`, error))
      .finally(() => (live.compacting = null))
  }

  private async compact(live: LiveDoc): Promise<void> {
    const through = this.peers.safeThrough(live)
    if (through === 0) return
    const name = docName(live.conversationId)
    // Appends made while this runs are counted for the next compaction.
    const counted = live.updatesSinceCompaction
    await this.peers.exclusively(`compact:${name}`, async () => {
      const bytesBefore = live.approxBytes
      const state = Y.encodeStateAsUpdate(live.doc)
      await this.store.docs.compactDoc(name, state, through)
      live.approxBytes = state.byteLength + (live.approxBytes - bytesBefore)
    })
    live.updatesSinceCompaction = Math.max(1, live.updatesSinceCompaction - counted + 1)
  }

  /** Applies a client's update; resolves once it is persisted (the HTTP path's acknowledgement). */
  async applyUpdate(conversationId: string, update: Uint8Array, origin: UpdateOrigin): Promise<void> {
    const live = await this.hold(conversationId)
    try {
      const wasComplete = live.doc.store.pendingStructs === null && live.doc.store.pendingDs === null
      applyAdmitted(live, update, origin)
      await live.chain
      if (wasComplete && (live.doc.store.pendingStructs !== null || live.doc.store.pendingDs !== null))
        throw new IncompleteUpdateError('this update builds on changes the server does not have: push the whole document state')
    } finally {
      this.release(live)
    }
  }

  /** Whether applying the update now would take the doc over its size caps (doc-limits.ts). */
  async wouldOverflow(conversationId: string, update: Uint8Array): Promise<boolean> {
    const live = await this.hold(conversationId)
    try {
      admit(live, update)
      return false
    } catch (error) {
      if (error instanceof DocTooLargeError) return true
      throw error
    } finally {
      this.release(live)
    }
  }

  /** Server-side edits (corrections, wake-ups, scripts) take the same path as any client's. */
  async change(conversationId: string, origin: UpdateOrigin, edit: (doc: Y.Doc) => void): Promise<void> {
    const live = await this.hold(conversationId)
    try {
      Y.transact(live.doc, () => edit(live.doc), origin)
      await live.chain
    } finally {
      this.release(live)
    }
  }

  /** The update a client with this state vector lacks (the whole state without one). */
  async diff(conversationId: string, stateVector?: Uint8Array): Promise<Uint8Array> {
    const live = this.live.get(conversationId)
    if (live) return Y.encodeStateAsUpdate(live.doc, stateVector)
    // Reading a doc nobody has open need not load it into memory.
    const rows = await this.store.docs.loadDocUpdates(docName(conversationId))
    const merged = rows.length === 1 ? rows[0]!.data : Y.mergeUpdates(rows.map((r) => r.data))
    return stateVector ? Y.diffUpdate(merged, stateVector) : merged
  }

  async hold(conversationId: string): Promise<LiveDoc> {
    const live = await this.open(conversationId)
    live.holds += 1
    this.cancelUnload(live)
    return live
  }

  release(live: LiveDoc): void {
    live.holds = Math.max(0, live.holds - 1)
    this.scheduleUnload(live)
  }

  join(live: LiveDoc, peer: RoomPeer): void {
    live.peers.add(peer)
    this.cancelUnload(live)
  }

  leave(live: LiveDoc, peer: RoomPeer): void {
    live.peers.delete(peer)
    this.scheduleUnload(live)
  }

  private cancelUnload(live: LiveDoc): void {
    if (live.idleTimer) clearTimeout(live.idleTimer)
    live.idleTimer = null
  }

  private scheduleUnload(live: LiveDoc): void {
    if (!live.idle) return
    this.cancelUnload(live)
    live.idleTimer = setTimeout(() => void this.unload(live), this.options.idleMs)
    live.idleTimer.unref()
  }

  private async unload(live: LiveDoc): Promise<void> {
    await live.chain
    await live.compacting
    if (!live.idle || this.live.get(live.conversationId) !== live) return
    if (live.updatesSinceCompaction > 1) await this.compact(live)
    if (!live.idle) return
    this.live.delete(live.conversationId)
    this.peers.closed(live)
    live.destroy()
  }

  /** Waits for every pending append, then drops all docs (shutdown). */
  async closeAll(): Promise<void> {
    const docs = [...this.live.values()]
    await Promise.all(docs.flatMap((d) => [d.chain, d.compacting]))
    for (const live of docs) {
      this.live.delete(live.conversationId)
      this.peers.closed(live)
      live.destroy()
    }
  }
}

/** A client's update: decoded whole first (garbage must fail here, not half-way into the doc), and
 *  within the doc's size caps (else DocTooLargeError); nothing is applied unless both hold. */
export function applyAdmitted(live: LiveDoc, update: Uint8Array, origin: unknown): void {
  validate(update)
  admit(live, update)
  Y.applyUpdate(live.doc, update, origin)
}

const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)

/** The baseline with the fields that changed from `before` to `after` taken from `after`. */
function shiftedBaseline(baseline: ConversationState, before: ConversationState, after: ConversationState): ConversationState {
  const shifted: Record<string, unknown> = { ...baseline }
  for (const key of Object.keys(after) as (keyof ConversationState)[]) {
    if (!sameValue(before[key], after[key])) shifted[key] = after[key]
  }
  return shifted as ConversationState
}

function updateMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MESSAGE_SYNC)
  syncProtocol.writeUpdate(encoder, update)
  return encoding.toUint8Array(encoder)
}

function validate(update: Uint8Array): void {
  try {
    Y.decodeUpdate(update)
  } catch (error) {
    throw new InvalidUpdateError(`malformed Yjs update: ${(error as Error).message}`)
  }
}
