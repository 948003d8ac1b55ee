import type { WidgetLiveAuth, WidgetLivePush } from '../../shared/schemas/widget.ts'

export interface LiveHandlers {
  /** (Re)connected and authenticated: anything pushed while away must be fetched. */
  onOpen(): void
  onPush(push: WidgetLivePush): void
  /** The link dropped (it is being retried): what it said last may be stale now. */
  onClose(): void
  /** The server refused the token (revoked or expired): not retried. */
  onRejected(): void
}

const MIN_DELAY_MS = 1_000
const MAX_DELAY_MS = 30_000
/** The server's close code for a missing, invalid or revoked visitor token. */
const CLOSE_UNAUTHORISED = 4401

/** The visitor's live socket, reconnecting with growing, jittered delays until closed. The token is
 *  its first frame (a URL would carry it into logs); pushes start with the server's `ready`. */
export class LiveConnection {
  private socket: WebSocket | null = null
  private timer: ReturnType<typeof setTimeout> | null = null
  private delay = MIN_DELAY_MS
  private stopped = false

  constructor(
    private readonly url: string,
    private readonly token: () => string | null,
    private readonly handlers: LiveHandlers,
  ) {
    this.connect()
  }

  private connect(): void {
    const token = this.token()
    if (this.stopped || !token) return
    const socket = new WebSocket(this.url)
    this.socket = socket
    socket.onopen = () => socket.send(JSON.stringify({ type: 'auth', token } satisfies WidgetLiveAuth))
    socket.onmessage = (event: MessageEvent) => {
      if (typeof event.data !== 'string') return
      let push: WidgetLivePush
      try {
        push = JSON.parse(event.data) as WidgetLivePush
      } catch {
        // Not ours to understand: ignore it.
        return
      }
      if (push.type !== 'ready') return this.handlers.onPush(push)
      this.delay = MIN_DELAY_MS
      this.handlers.onOpen()
    }
    socket.onclose = (event: CloseEvent) => {
      if (this.socket !== socket || this.stopped) return
      this.socket = null
      this.handlers.onClose()
      if (event.code === CLOSE_UNAUTHORISED) return this.handlers.onRejected()
      this.timer = setTimeout(() => this.connect(), this.delay * (0.5 + Math.random() / 2))
      this.delay = Math.min(MAX_DELAY_MS, this.delay * 2)
    }
  }

  close(): void {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.socket?.close()
    this.socket = null
  }
}
