import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import WebSocket from 'ws'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { AUTH_PERMISSION_DENIED, type Flavour, MSG_AUTH, MSG_SYNC, MSG_SYNC_REPLY, encodeFrame, helloFrames, openFrame } from './codec.ts'

/** Where a client connects: the same URL shape for every server (`/sync/<room>`, as ours requires). */
export interface Target {
  baseUrl: string
  room: string
  flavour: Flavour
  /** `Bearer <token>` for ours; absent for the reference servers. */
  authorization?: string
}

export interface ClientEvents {
  onSynced?(): void
  onClose?(reason: string): void
}

const REMOTE = Symbol('remote')
/** Idle clients share one empty doc: they answer the server's SyncStep1 and hold no state. */
const EMPTY_DOC = new Y.Doc()

/**
 * A minimal y-websocket client over one socket: answers SyncStep1, counts as synced on the server's
 * SyncStep2 (as y-websocket's provider does), applies updates to its doc when it has one, and sends
 * its doc's local updates. No awareness: the bench measures document sync.
 */
export class SyncClient {
  readonly ws: WebSocket
  synced = false
  /** Resolves with the reason once the socket is gone (closed, refused, reset). */
  readonly done: Promise<string>
  private closed = false
  private resolveDone!: (reason: string) => void

  constructor(
    readonly target: Target,
    readonly doc: Y.Doc | null,
    private readonly events: ClientEvents = {},
  ) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve))
    const headers = target.authorization ? { authorization: target.authorization } : undefined
    this.ws = new WebSocket(`${target.baseUrl}/sync/${target.room}`, { headers, perMessageDeflate: false })
    this.ws.binaryType = 'nodebuffer'
    this.ws.on('open', () => this.greet())
    this.ws.on('message', (data: Buffer) => this.receive(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)))
    this.ws.on('error', (error) => this.finish(error.message))
    this.ws.on('close', (code, reason) => this.finish(`closed ${code} ${reason.toString()}`.trim()))
    this.ws.on('unexpected-response', (_req, res) => this.finish(`HTTP ${res.statusCode}`))
    doc?.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== REMOTE) this.sendSync(syncProtocol.messageYjsUpdate, update)
    })
  }

  private greet(): void {
    for (const frame of helloFrames(this.target.flavour, this.target.room)) this.ws.send(frame)
    this.sendSync(syncProtocol.messageYjsSyncStep1, Y.encodeStateVector(this.doc ?? EMPTY_DOC))
  }

  private sendSync(step: number, payload: Uint8Array): void {
    if (this.ws.readyState !== WebSocket.OPEN) return
    this.ws.send(
      encodeFrame(this.target.flavour, this.target.room, (e) => {
        encoding.writeVarUint(e, MSG_SYNC)
        encoding.writeVarUint(e, step)
        encoding.writeVarUint8Array(e, payload)
      }),
    )
  }

  private receive(frame: Uint8Array): void {
    const decoder = openFrame(this.target.flavour, frame)
    const type = decoding.readVarUint(decoder)
    if (type === MSG_AUTH && decoding.readVarUint(decoder) === AUTH_PERMISSION_DENIED) {
      this.close()
      this.finish('permission denied')
      return
    }
    if (type !== MSG_SYNC && type !== MSG_SYNC_REPLY) return
    const step = decoding.readVarUint(decoder)
    const payload = decoding.readVarUint8Array(decoder)
    if (step === syncProtocol.messageYjsSyncStep1) {
      this.sendSync(syncProtocol.messageYjsSyncStep2, Y.encodeStateAsUpdate(this.doc ?? EMPTY_DOC, payload))
      return
    }
    if (this.doc) Y.applyUpdate(this.doc, payload, REMOTE)
    if (step === syncProtocol.messageYjsSyncStep2 && !this.synced) {
      this.synced = true
      this.events.onSynced?.()
    }
  }

  private finish(reason: string): void {
    if (this.closed) return
    this.closed = true
    this.synced = false
    this.resolveDone(reason)
    this.events.onClose?.(reason)
  }

  /** Graceful close (the close handshake); `onClose` fires when it completes. */
  close(): void {
    this.ws.close()
  }

  terminate(): void {
    this.ws.terminate()
  }
}

/** Connects and resolves once synced; rejects if the socket closes first. */
export function connectSynced(target: Target, doc: Y.Doc | null): Promise<SyncClient> {
  return new Promise((resolve, reject) => {
    const client: SyncClient = new SyncClient(target, doc, {
      onSynced: () => resolve(client),
      onClose: (reason) => reject(new Error(`${target.room}: ${reason}`)),
    })
  })
}
