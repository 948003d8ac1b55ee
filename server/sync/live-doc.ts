import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness'
import type { ConversationState } from '../../shared/project-conversation.ts'

import { MESSAGE_AWARENESS } from './protocol.ts'
import { labelsMap, stateMap } from '../../shared/conversation-doc.ts'

/** Something that receives a room's binary messages: a y-websocket connection. */
export interface RoomPeer {
  send(message: Uint8Array): void
  /** The awareness client ids this peer has announced, removed when it leaves. */
  readonly awarenessIds: Set<number>
}

interface AwarenessChange {
  added: number[]
  updated: number[]
  removed: number[]
}

/** A conversation doc held in memory: the replica, its awareness, the sockets in its room, and the
 *  bookkeeping for persistence (a per-doc promise chain keeps appends and broadcasts in order). */
export class LiveDoc {
  readonly doc: Y.Doc
  readonly awareness: Awareness
  readonly peers = new Set<RoomPeer>()
  chain: Promise<void> = Promise.resolve()
  updatesSinceCompaction = 0
  /** A compaction in progress, which appends do not wait for (doc-registry.ts). */
  compacting: Promise<void> | null = null
  lastUpdateId = 0
  /** An upper bound of the merged state's size: exact at load and compaction, plus each update since. */
  approxBytes = 0
  idleTimer: NodeJS.Timeout | null = null
  /** Open handles that are not sockets (an HTTP request mid-flight); the doc stays loaded while > 0. */
  holds = 0
  /** Set when a transaction touched projected data (not just the shared note): re-project then. */
  stateTouched = false

  constructor(
    readonly conversationId: string,
    readonly accountId: string,
    public projection: ConversationState,
    onPresence: (live: LiveDoc) => void,
  ) {
    // The guid never leaves the server; a fixed one spares lib0 a random uuid per load (measurable
    // when thousands of docs open).
    this.doc = new Y.Doc({ gc: true, guid: conversationId })
    this.doc.on('afterTransaction', (tr: Y.Transaction) => {
      const changed = tr.changed as Map<unknown, unknown>
      if (changed.has(stateMap(this.doc)) || changed.has(labelsMap(this.doc))) this.stateTouched = true
    })
    this.awareness = new Awareness(this.doc)
    // The server has no presence of its own.
    this.awareness.setLocalState(null)
    this.awareness.on('update', (change: AwarenessChange, origin: unknown) => this.relayAwareness(change, origin))
    // 'change' (unlike 'update') skips the periodic renewals: only real comings, goings and edits.
    this.awareness.on('change', () => onPresence(this))
  }

  private relayAwareness({ added, updated, removed }: AwarenessChange, origin: unknown): void {
    const peer = this.peers.has(origin as RoomPeer) ? (origin as RoomPeer) : null
    if (peer) {
      for (const id of added) peer.awarenessIds.add(id)
      for (const id of removed) peer.awarenessIds.delete(id)
    }
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MESSAGE_AWARENESS)
    encoding.writeVarUint8Array(encoder, encodeAwarenessUpdate(this.awareness, [...added, ...updated, ...removed]))
    this.broadcast(encoding.toUint8Array(encoder))
  }

  get idle(): boolean {
    return this.peers.size === 0 && this.holds === 0
  }

  broadcast(message: Uint8Array, except?: RoomPeer): void {
    for (const peer of this.peers) if (peer !== except) peer.send(message)
  }

  destroy(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.awareness.destroy()
    this.doc.destroy()
  }
}
