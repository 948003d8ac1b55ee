import { randomUUID } from 'node:crypto'
import type { WidgetLivePush, WidgetMessage, WidgetSession } from '../../shared/schemas/widget.ts'
import type { ApiResponse, RequestOptions, TestServer } from './server.ts'
import WebSocket from 'ws'
import { type CloseInfo, closeOf } from './ws-client.ts'

// A website visitor as the widget would be, in Node: the public widget API over HTTP and the live
// socket, with the token the server issued.

/** The public key of Acme's Website inbox (what its embed snippet carries). */
export async function websiteKey(server: TestServer): Promise<string> {
  const inbox = await server.ctx.store.directory.getInbox(server.acme.websiteInbox.id)
  const key = inbox?.settings.widgetKey
  if (!key) throw new Error('the Website inbox has no widget key')
  return key
}

export interface LiveVisitorSocket {
  socket: WebSocket
  /** Every text frame received, as sent. */
  frames: string[]
  closed: Promise<CloseInfo>
  /** Every JSON push received, in order. */
  pushes(): WidgetLivePush[]
  messages(): WidgetMessage[]
  /** The agents named by each typing push, in order. */
  typing(): string[][]
}

export class TestVisitor {
  private constructor(
    readonly server: TestServer,
    readonly session: WidgetSession,
  ) {}

  /** A new visitor of Acme's website (name and email optional, as in the widget). */
  static async start(server: TestServer, details: { name?: string; email?: string } = {}): Promise<TestVisitor> {
    const res = await server.request<WidgetSession>('/api/widget/session', { json: { key: await websiteKey(server), ...details } })
    if (res.status !== 200) throw new Error(`widget session: ${res.status} ${res.text}`)
    return new TestVisitor(server, res.body)
  }

  get token(): string {
    return this.session.token
  }

  request<T = unknown>(path: string, options: Omit<RequestOptions, 'token'> = {}): Promise<ApiResponse<T>> {
    return this.server.request<T>(path, { ...options, token: this.token })
  }

  async send(body: string, id: string = randomUUID()): Promise<WidgetMessage> {
    const res = await this.request<{ message: WidgetMessage }>('/api/widget/messages', { json: { id, body } })
    if (res.status !== 201) throw new Error(`widget message: ${res.status} ${res.text}`)
    return res.body.message
  }

  async history(): Promise<WidgetMessage[]> {
    const res = await this.request<{ messages: WidgetMessage[] }>('/api/widget/messages')
    if (res.status !== 200) throw new Error(`widget history: ${res.status} ${res.text}`)
    return res.body.messages
  }

  /** The live socket's address: the token goes in the first frame, never in the URL. */
  get liveUrl(): string {
    return `${this.server.wsUrl}/api/widget/live`
  }

  /** The live socket, open and authenticated (the server said `ready`), from a customer's site
   *  (another origin); closed by the pool. */
  live(pool: VisitorSockets, token = this.token): Promise<LiveVisitorSocket> {
    return pool.open(this.liveUrl, token)
  }
}

/** The visitors' live sockets a test opened; its afterEach closes them. */
export class VisitorSockets {
  private readonly sockets = new Set<WebSocket>()

  /** Opens a socket and authenticates it with `token` as the widget does; resolves on `ready`
   *  (which is not recorded in `frames`), rejects if the socket closes first. */
  open(url: string, token: string): Promise<LiveVisitorSocket> {
    const socket = this.raw(url)
    const frames: string[] = []
    let ready = false
    const isReady = new Promise<void>((resolve) => {
      socket.on('message', (data: Buffer) => {
        const text = data.toString('utf8')
        if (!ready && text === JSON.stringify({ type: 'ready' })) {
          ready = true
          return resolve()
        }
        frames.push(text)
      })
    })
    const closed = closeOf(socket)
    const pushes = () => frames.map((f) => JSON.parse(f) as WidgetLivePush)
    const live: LiveVisitorSocket = {
      socket,
      frames,
      closed,
      pushes,
      messages: () => pushes().flatMap((p) => (p.type === 'message' ? [p.message] : [])),
      typing: () => pushes().flatMap((p) => (p.type === 'typing' ? [p.agents] : [])),
    }
    return new Promise((resolve, reject) => {
      socket.once('open', () => socket.send(JSON.stringify({ type: 'auth', token })))
      void isReady.then(() => resolve(live))
      void closed.then((info) => reject(new Error(`widget socket closed before ready: ${info.code} ${info.reason}`)))
      socket.once('unexpected-response', (_req, res) => {
        res.resume()
        reject(new Error(`upgrade refused: ${res.statusCode}`))
      })
      socket.on('error', reject)
    })
  }

  /** A socket to the widget's live endpoint that sends nothing by itself (for protocol tests). */
  raw(url: string): WebSocket {
    const socket = new WebSocket(url, { headers: { origin: 'https://shop.example' } })
    this.sockets.add(socket)
    return socket
  }

  closeAll(): void {
    for (const socket of this.sockets) socket.terminate()
    this.sockets.clear()
  }
}

/** A token with one character of its signature changed. */
export function tampered(token: string): string {
  const at = token.lastIndexOf('.') + 5
  return token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1)
}
