import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import type { Relay } from './relay.ts'

/** How long the start waits for Redis before saying that it does not answer. */
const CONNECT_TIMEOUT_MS = 5_000

interface Envelope {
  from: string
  body: unknown
}

/**
 * The relay over Redis pub/sub: one connection publishes, one subscribes (a subscribed connection can
 * do nothing else). Pub/sub keeps nothing, which is all we want from Redis here: the log is the
 * database, and a receiver that may have missed a message catches up from it (server/cluster/rooms.ts).
 */
export class RedisRelay implements Relay {
  readonly processId = randomUUID()
  readonly shared = true
  private readonly pub: Redis
  private readonly sub: Redis

  /** The publishing connection, for commands (the shared sign-in limits). */
  get client(): Redis {
    return this.pub
  }
  private readonly handlers = new Map<string, Set<(body: unknown, from: string) => void>>()
  private readonly reconnectListeners = new Set<() => void>()
  private readyOnce = false
  private closing = false
  /** Said once per outage, not at every reconnection attempt. */
  private down = false

  private constructor(
    url: string,
    readonly prefix: string,
  ) {
    // No offline queue: a publish while Redis is away fails at once instead of piling up in memory;
    // receivers catch up from the database anyway.
    this.pub = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true })
    this.sub = new Redis(url, { lazyConnect: true })
    for (const client of [this.pub, this.sub]) client.on('error', () => {}) // reconnects on its own; logged below
    this.sub.on('message', (channel: string, text: string) => this.receive(channel, text))
    this.sub.on('ready', () => {
      this.down = false
      if (!this.readyOnce) {
        this.readyOnce = true
        return
      }
      console.log('Redis relay: reconnected, catching up from the database')
      // The listeners publish too (re-announcing presence): once the publishing side is back as well.
      const tell = () => {
        for (const listener of this.reconnectListeners) listener()
      }
      if (this.pub.status === 'ready') tell()
      else this.pub.once('ready', tell)
    })
    this.sub.on('close', () => {
      if (!this.readyOnce || this.closing || this.down) return
      this.down = true
      console.warn('Redis relay: connection lost, retrying')
    })
  }

  /** Connects both clients; fails with a clear message when Redis does not answer. */
  static async connect(url: string, prefix: string): Promise<RedisRelay> {
    const relay = new RedisRelay(url, prefix)
    try {
      await withTimeout(Promise.all([relay.pub.connect(), relay.sub.connect()]), CONNECT_TIMEOUT_MS)
      await withTimeout(relay.pub.ping(), CONNECT_TIMEOUT_MS)
    } catch (error) {
      relay.pub.disconnect()
      relay.sub.disconnect()
      throw new Error(`Redis at REDIS_URL does not answer: ${(error as Error).message}`)
    }
    return relay
  }

  publish(channel: string, body: unknown): void {
    if (this.pub.status !== 'ready') return
    const envelope: Envelope = { from: this.processId, body }
    this.pub.publish(this.key(channel), JSON.stringify(envelope)).catch(() => {})
  }

  /** Both connections are up: what is published now reaches the others, and theirs reach this one. */
  get connected(): boolean {
    return this.pub.status === 'ready' && this.sub.status === 'ready'
  }

  async subscribe(channel: string, handler: (body: unknown, from: string) => void): Promise<() => void> {
    let set = this.handlers.get(channel)
    if (!set) {
      set = new Set()
      this.handlers.set(channel, set)
    }
    set.add(handler)
    // ioredis re-subscribes by itself after a reconnection; while Redis is away this waits in its queue.
    if (set.size === 1) await this.sub.subscribe(this.key(channel)).catch(() => {})
    return () => {
      set.delete(handler)
      if (set.size > 0 || this.handlers.get(channel) !== set) return
      this.handlers.delete(channel)
      this.sub.unsubscribe(this.key(channel)).catch(() => {})
    }
  }

  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener)
    return () => this.reconnectListeners.delete(listener)
  }

  async close(): Promise<void> {
    this.closing = true
    this.handlers.clear()
    this.reconnectListeners.clear()
    await Promise.allSettled([this.pub.quit(), this.sub.quit()])
    this.pub.disconnect()
    this.sub.disconnect()
  }

  private key(channel: string): string {
    return `${this.prefix}:${channel}`
  }

  private receive(key: string, text: string): void {
    if (!key.startsWith(`${this.prefix}:`)) return
    let envelope: Envelope
    try {
      envelope = JSON.parse(text) as Envelope
    } catch {
      return
    }
    if (envelope.from === this.processId) return
    for (const handler of this.handlers.get(key.slice(this.prefix.length + 1)) ?? []) {
      try {
        handler(envelope.body, envelope.from)
      } catch (error) {
        console.error(`relay ${key}: a handler failed`, error)
      }
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
    promise.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        reject(error instanceof Error ? error : new Error(String(error)))
      },
    )
  })
}
