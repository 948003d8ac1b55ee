import { randomUUID } from 'node:crypto'

/**
 * Fan-out between the server processes that form one service (DESIGN §6). A relay is a hint, never a
 * record: a message may be lost (Redis restarts, a slow subscriber is cut off), so every receiver can
 * catch up from the database, which stays the log. Messages go to the OTHER processes only; each
 * process delivers to its own sockets directly, as it did before there was a relay.
 */
export interface Relay {
  /** This process, so that its own messages, echoed back by Redis, are ignored. */
  readonly processId: string
  /** Whether other processes can exist (false: the in-process relay, where publishing is a no-op). */
  readonly shared: boolean
  /** Best effort: a message published while the relay is down is dropped, not queued. */
  publish(channel: string, body: unknown): void
  /** Resolves once the subscription is in place, so that a load that follows misses nothing. The
   *  handler learns which process published (presence is dropped by process when one dies). */
  subscribe(channel: string, handler: (body: unknown, from: string) => void): Promise<() => void>
  /** Called after a reconnection: whatever was published meanwhile was lost to this process. */
  onReconnect(listener: () => void): () => void
  close(): Promise<void>
}

/** One process, nobody to tell: today's behaviour, and the default without REDIS_URL. */
export class InProcessRelay implements Relay {
  readonly processId = randomUUID()
  readonly shared = false

  publish(): void {}

  async subscribe(): Promise<() => void> {
    return () => {}
  }

  onReconnect(): () => void {
    return () => {}
  }

  async close(): Promise<void> {}
}
