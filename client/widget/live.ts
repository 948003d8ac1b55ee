import type { WidgetLivePush } from '../../shared/schemas/widget.ts'

export interface LiveHandlers {
  /** (Re)connected: anything pushed while away must be fetched. */
  onOpen(): void
  onPush(push: WidgetLivePush): void
  /** The link dropped (it is being retried): what it said last may be stale now. */
  onClose(): void
}

const MIN_DELAY_MS = 1_000
const MAX_DELAY_MS = 30_000

/** The visitor's live socket, reconnecting with growing, jittered delays until closed. */
export class LiveConnection {
  private socket: WebSocket | null = null
  private timer: ReturnType<typeof setTimeout> | null = null
  private delay = MIN_DELAY_MS
  private stopped = false

  constructor(
    private readonly url: () => string,
    private readonly handlers: LiveHandlers,
  ) {
    this.connect()
  }

  private connect(): void {
    if (this.stopped) return
    const socket = new WebSocket(this.url())
    this.socket = socket
    socket.onopen = () => {
      this.delay = MIN_DELAY_MS
      this.handlers.onOpen()
    }
    socket.onmessage = (event: MessageEvent) => {
      if (typeof event.data !== 'string') return
      try {
        this.handlers.onPush(JSON.parse(event.data) as WidgetLivePush)
      } catch {
        // Not ours to understand: ignore it.
      }
    }
    socket.onclose = () => {
      if (this.socket !== socket || this.stopped) return
      this.socket = null
      this.handlers.onClose()
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
