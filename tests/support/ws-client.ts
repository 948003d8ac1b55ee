import type { IncomingMessage } from 'node:http'
import WebSocket from 'ws'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import { WebsocketProvider } from 'y-websocket'
import { docName } from '../../shared/conversation-doc.ts'
import { FeedSocketMessage, type FeedEntry, type FeedPush, type PresencePush } from '../../shared/schemas/feed.ts'
import type { TestServer } from './server.ts'

// WebSocket clients as the app's would be, in Node: y-websocket providers for conversation rooms, a
// feed socket, and raw sockets for the protocol's edge cases. Every client a test opens goes into a
// SocketPool, and the test's afterEach closes the pool, so a run always ends by itself.

/** How a socket authenticates: a bearer token (scripts) or the session cookie (the app). */
export interface SocketAuth {
  token?: string
  cookie?: string
  /** The Origin header a browser would send. */
  origin?: string
}

export function authHeaders(auth: SocketAuth): Record<string, string> {
  const headers: Record<string, string> = {}
  if (auth.token) headers.authorization = `Bearer ${auth.token}`
  if (auth.cookie) headers.cookie = auth.cookie
  if (auth.origin) headers.origin = auth.origin
  return headers
}

/** How y-websocket constructs its polyfill. */
export type WebSocketClass = new (address: string | URL, protocols?: string | string[]) => WebSocket

/** `ws`'s WebSocket with our auth headers, shaped as the polyfill y-websocket constructs. */
export function webSocketClassFor(auth: SocketAuth): WebSocketClass {
  const headers = authHeaders(auth)
  return class AuthenticatedWebSocket extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols ?? [], { headers })
    }
  }
}

export const roomUrl = (server: Pick<TestServer, 'wsUrl'>, conversationId: string): string =>
  `${server.wsUrl}/sync/${docName(conversationId)}`

export interface CloseInfo {
  code: number
  reason: string
}

/** One agent's device: a Y.Doc and its provider in the conversation's room. */
export interface RoomClient {
  doc: Y.Doc
  provider: WebsocketProvider
  /** Resolves at the provider's next 'sync' (at once if it is synced now). */
  synced(timeout?: number): Promise<void>
  destroy(): void
}

/** The feed socket: every push received, in order. */
export interface FeedClient {
  socket: WebSocket
  pushes: FeedPush[]
  /** Presence messages, the snapshot sent on connect first. */
  presence: PresencePush[]
  entries(): FeedEntry[]
  closed: Promise<CloseInfo>
}

/** A raw socket: every binary frame received, and how it closed. */
export interface RawClient {
  socket: WebSocket
  frames: Uint8Array[]
  closed: Promise<CloseInfo>
}

export class SocketPool {
  private readonly closers = new Set<() => void>()

  /** A y-websocket provider in the room, resolved once it has synced with the server (unless told
   *  not to wait: a refused provider never syncs, it retries). */
  async room(
    server: Pick<TestServer, 'wsUrl'>,
    conversationId: string,
    auth: SocketAuth,
    { doc = new Y.Doc(), awaitSync = true }: { doc?: Y.Doc; awaitSync?: boolean } = {},
  ): Promise<RoomClient> {
    const provider = new WebsocketProvider(`${server.wsUrl}/sync`, docName(conversationId), doc, {
      WebSocketPolyfill: webSocketClassFor(auth) as unknown as typeof globalThis.WebSocket,
      // Node 20 has BroadcastChannel: two providers of one process would otherwise sync directly,
      // around the server, and a convergence test would prove nothing.
      disableBc: true,
      // Reconnect quickly after a server restart.
      maxBackoffTime: 300,
    })
    const client: RoomClient = {
      doc,
      provider,
      synced: (timeout = 5_000) => waitForSync(provider, timeout),
      destroy: () => {
        provider.destroy()
        doc.destroy()
      },
    }
    const destroy = () => client.destroy()
    this.closers.add(destroy)
    if (!awaitSync) return client
    try {
      await client.synced()
    } catch (error) {
      destroy()
      this.closers.delete(destroy)
      throw error
    }
    return client
  }

  /** The feed socket `/api/feed/live`, open. */
  async feed(server: Pick<TestServer, 'wsUrl'>, auth: SocketAuth): Promise<FeedClient> {
    const pushes: FeedPush[] = []
    const presence: PresencePush[] = []
    // Listening from the start: the server's first frame (the presence snapshot) can arrive together
    // with the upgrade answer, before `open` has resolved.
    const socket = await this.open(`${server.wsUrl}/api/feed/live`, auth, (s) =>
      s.on('message', (data) => {
        const message = FeedSocketMessage.parse(JSON.parse(String(data)))
        if (message.type === 'entries') pushes.push(message)
        else presence.push(message)
      }),
    )
    return { socket, pushes, presence, entries: () => pushes.flatMap((p) => p.entries), closed: closeOf(socket) }
  }

  /** A raw socket, open, recording the binary frames it receives. */
  async raw(url: string, auth: SocketAuth): Promise<RawClient> {
    const socket = await this.open(url, auth)
    const frames: Uint8Array[] = []
    socket.on('message', (data: Buffer) => frames.push(new Uint8Array(data)))
    return { socket, frames, closed: closeOf(socket) }
  }

  private open(url: string, auth: SocketAuth, listen?: (socket: WebSocket) => void): Promise<WebSocket> {
    const socket = new WebSocket(url, { headers: authHeaders(auth) })
    listen?.(socket)
    const close = () => socket.terminate()
    this.closers.add(close)
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(socket))
      socket.once('unexpected-response', (_req, res: IncomingMessage) => {
        res.resume()
        reject(new Error(`upgrade refused: ${res.statusCode}`))
      })
      // Errors after the socket opened (a reset while the server closes it) show as its close.
      socket.on('error', reject)
    })
  }

  closeAll(): void {
    for (const close of this.closers) close()
    this.closers.clear()
  }
}

function waitForSync(provider: WebsocketProvider, timeout: number): Promise<void> {
  if (provider.synced) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      provider.off('sync', onSync)
      reject(new Error(`provider of ${provider.roomname} did not sync within ${timeout} ms`))
    }, timeout)
    const onSync = (synced: boolean) => {
      if (!synced) return
      clearTimeout(timer)
      provider.off('sync', onSync)
      resolve()
    }
    provider.on('sync', onSync)
  })
}

export function closeOf(socket: WebSocket): Promise<CloseInfo> {
  return new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })))
}

/** The HTTP status the server answers an upgrade with (101 when it accepts), and its body. */
export function upgradeAnswer(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers })
    socket.once('open', () => {
      socket.terminate()
      resolve({ status: 101, body: '' })
    })
    socket.once('unexpected-response', (_req, res: IncomingMessage) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      res.on('error', reject)
    })
    socket.on('error', reject)
  })
}

// y-websocket frames, for raw clients.

export function syncStep1Frame(doc: Y.Doc): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, 0)
  syncProtocol.writeSyncStep1(encoder, doc)
  return encoding.toUint8Array(encoder)
}

export function updateFrame(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, 0)
  syncProtocol.writeUpdate(encoder, update)
  return encoding.toUint8Array(encoder)
}

/** y-websocket "query awareness": the server answers it with an awareness frame, so an answer proves
 *  that every frame sent before it was read and accepted. */
export const QUERY_AWARENESS_FRAME = new Uint8Array([3])

export type FrameOutcome = { closed: CloseInfo } | { answered: true }

/** Sends a frame and then the query-awareness probe on a raw room socket: resolves with the close
 *  (the frame was refused) or with the probe's answer (it was read and accepted). */
export function sendAndProbe(client: RawClient, frame: Uint8Array | string): Promise<FrameOutcome> {
  return new Promise((resolve) => {
    const before = client.frames.length
    const onFrame = () => {
      // The greeting (sync step 1) may still be arriving: wait for the awareness answer itself.
      if (client.frames.slice(before).some((f) => f[0] === 1)) finish({ answered: true })
    }
    const finish = (outcome: FrameOutcome) => {
      client.socket.off('message', onFrame)
      resolve(outcome)
    }
    client.socket.on('message', onFrame)
    void client.closed.then((closed) => finish({ closed }))
    client.socket.send(frame)
    client.socket.send(QUERY_AWARENESS_FRAME)
  })
}
