import { SyncClient, type Target } from './sync-client.ts'

/** Backoff as y-websocket's provider (100 ms doubling, 2.5 s ceiling), with full jitter so that a
 *  restart is not met by every client at the same instant. */
export const BACKOFF = { baseMs: 100, capMs: 2500 }

export const backoffDelay = (attempt: number, random: () => number = Math.random): number =>
  random() * Math.min(BACKOFF.capMs, BACKOFF.baseMs * 2 ** attempt)

export interface ReconnectEvents {
  onSynced(): void
  onLost(): void
  /** A connection attempt that ended before it synced (refused while the server is down, an HTTP error). */
  onFailedAttempt(reason: string): void
}

/** An idle client that reconnects by itself until stopped; `attempt` resets once it is synced again. */
export class ReconnectingClient {
  private client: SyncClient | null = null
  private attempt = 0
  private timer: NodeJS.Timeout | null = null
  private stopped = false

  constructor(
    private readonly target: Target,
    private readonly events: ReconnectEvents,
  ) {
    this.connect()
  }

  private connect(): void {
    let wasSynced = false
    this.client = new SyncClient(this.target, null, {
      onSynced: () => {
        wasSynced = true
        this.attempt = 0
        this.events.onSynced()
      },
      onClose: (reason) => {
        if (wasSynced) this.events.onLost()
        else if (!this.stopped) this.events.onFailedAttempt(reason)
        if (this.stopped) return
        this.timer = setTimeout(() => this.connect(), backoffDelay(this.attempt++))
      },
    })
  }

  stop(): void {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.client?.terminate()
  }
}
