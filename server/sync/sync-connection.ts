import type { WebSocket } from 'ws'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import { applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness'
import type { DocRegistry } from './doc-registry.ts'
import { applyAdmitted } from './doc-registry.ts'
import { DocTooLargeError } from './doc-limits.ts'
import type { LiveDoc, RoomPeer } from './live-doc.ts'
import type { UpdateOrigin } from './origins.ts'
import { MESSAGE_AWARENESS, MESSAGE_QUERY_AWARENESS, MESSAGE_SYNC } from './protocol.ts'
import { sanitizeAwarenessUpdate } from './presence.ts'

/** Close codes in the application range; the reason text says what was wrong. */
export const CLOSE_PROTOCOL_ERROR = 4400
/** y-websocket has no error frame: the app reads this code as "your last change was not saved". */
export const CLOSE_DOC_TOO_LARGE = 4413
/** A peer that does not read its socket is dropped rather than buffered without bound. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024

/** One agent's y-websocket connection to one conversation's room. */
export class SyncConnection implements RoomPeer {
  readonly awarenessIds = new Set<number>()
  private readonly origin: UpdateOrigin
  private closed = false

  constructor(
    private readonly ws: WebSocket,
    private readonly live: LiveDoc,
    private readonly registry: DocRegistry,
    private readonly agent: { id: string; name: string },
  ) {
    this.origin = { kind: 'agent', agentId: agent.id, connection: this }
    registry.join(live, this)
    ws.on('message', (data, isBinary) => this.receive(data as Buffer, isBinary))
    ws.on('close', () => this.dispose())
    ws.on('error', () => this.dispose())
    this.greet()
  }

  private greet(): void {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MESSAGE_SYNC)
    syncProtocol.writeSyncStep1(encoder, this.live.doc)
    this.send(encoding.toUint8Array(encoder))
    const states = this.live.awareness.getStates()
    if (states.size > 0) this.send(this.awarenessMessage([...states.keys()]))
  }

  private awarenessMessage(clients: number[]): Uint8Array {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MESSAGE_AWARENESS)
    encoding.writeVarUint8Array(encoder, encodeAwarenessUpdate(this.live.awareness, clients))
    return encoding.toUint8Array(encoder)
  }

  private receive(data: Buffer, isBinary: boolean): void {
    if (this.closed) return
    try {
      if (!isBinary) throw new Error('text frames are not part of the sync protocol')
      this.handle(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
    } catch (error) {
      if (error instanceof DocTooLargeError) this.close(CLOSE_DOC_TOO_LARGE, 'document too large')
      else this.close(CLOSE_PROTOCOL_ERROR, `invalid sync frame: ${(error as Error).message}`)
    }
  }

  private handle(frame: Uint8Array): void {
    const decoder = decoding.createDecoder(frame)
    const type = decoding.readVarUint(decoder)
    switch (type) {
      case MESSAGE_SYNC: {
        const step = decoding.readVarUint(decoder)
        if (step === syncProtocol.messageYjsSyncStep1) {
          const stateVector = decoding.readVarUint8Array(decoder)
          const encoder = encoding.createEncoder()
          encoding.writeVarUint(encoder, MESSAGE_SYNC)
          syncProtocol.writeSyncStep2(encoder, this.live.doc, stateVector)
          this.send(encoding.toUint8Array(encoder))
        } else if (step === syncProtocol.messageYjsSyncStep2 || step === syncProtocol.messageYjsUpdate) {
          applyAdmitted(this.live, decoding.readVarUint8Array(decoder), this.origin)
        } else {
          throw new Error(`unknown sync step ${step}`)
        }
        return
      }
      case MESSAGE_AWARENESS: {
        const states = this.live.awareness.getStates()
        const foreign = (client: number) => states.has(client) && !this.awarenessIds.has(client)
        const update = sanitizeAwarenessUpdate(decoding.readVarUint8Array(decoder), this.agent, this.awarenessIds, foreign)
        if (update) applyAwarenessUpdate(this.live.awareness, update, this)
        return
      }
      case MESSAGE_QUERY_AWARENESS:
        this.send(this.awarenessMessage([...this.live.awareness.getStates().keys()]))
        return
      default:
        throw new Error(`unknown message type ${type}`)
    }
  }

  send(message: Uint8Array): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.close(1008, 'not reading fast enough')
      return
    }
    this.ws.send(message, (error) => {
      if (error) this.dispose()
    })
  }

  close(code: number, reason: string): void {
    // A close reason is limited to 123 bytes by the protocol.
    if (this.ws.readyState === this.ws.OPEN) this.ws.close(code, Buffer.from(reason).subarray(0, 123).toString())
    this.dispose()
  }

  private dispose(): void {
    if (this.closed) return
    this.closed = true
    if (this.awarenessIds.size > 0) removeAwarenessStates(this.live.awareness, [...this.awarenessIds], null)
    this.registry.leave(this.live, this)
  }
}
