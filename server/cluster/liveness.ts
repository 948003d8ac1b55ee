import { z } from 'zod'
import type { Relay } from './relay.ts'

export interface LivenessOptions {
  /** How often this process says it is alive. */
  beatMs: number
  /** A process not heard for this long is gone: its agents' presence is dropped everywhere. */
  silentMs: number
  /** How often the others' silence is measured. */
  checkMs: number
}

export interface LivenessEvents {
  /** A process stopped beating (crashed, or cut off from Redis): drop what it relayed. */
  departed(processId: string): void
  /** A process declared gone beats again (it was only slow, or cut off): ask it to re-announce. */
  returned(processId: string): void
}

const BEAT = 'beat'
const BeatMessage = z.discriminatedUnion('t', [z.object({ t: z.literal('beat') }), z.object({ t: z.literal('bye') })])

/** How long a departed process is remembered, so that its return is noticed (a partition that long
 *  ends like a new process: its sockets reconnect and announce themselves again). */
const REMEMBER_DEPARTED_MS = 10 * 60_000

/**
 * Which other processes are alive (issue 11): each process publishes a beat every `beatMs`; one not
 * heard for `silentMs` is declared gone, so that the presence of its agents (whose sockets died with
 * it) goes within seconds instead of at the awareness timeout (30 s), or never for a list.
 *
 * A pub/sub beat rather than a key with a TTL: it needs no polling, and what decides is what this
 * process hears, which is also what carries the presence it would drop. Two things silence a live
 * process without it being gone, and neither may wipe its presence for good:
 * - this process's own link to Redis is down: nobody is judged until it has been back for `silentMs`
 *   (it could not have heard them meanwhile);
 * - this process stalled (a long synchronous task): the check that fires late skips a round, so the
 *   beats queued while it was blocked are read before anyone is judged.
 * A process that was declared gone and beats again is reported `returned`, and re-announces.
 */
export class Liveness {
  private readonly heard = new Map<string, number>()
  private readonly departedAt = new Map<string, number>()
  private beater: NodeJS.Timeout | null = null
  private checker: NodeJS.Timeout | null = null
  private unsubscribe: (() => void) | null = null
  private upSince: number | null = null
  private lastCheck: number

  constructor(
    private readonly relay: Relay,
    private readonly connected: () => boolean,
    private readonly options: LivenessOptions,
    private readonly events: LivenessEvents,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.lastCheck = now()
  }

  async start(): Promise<void> {
    this.unsubscribe = await this.relay.subscribe(BEAT, (body, from) => {
      const parsed = BeatMessage.safeParse(body)
      if (!parsed.success) return
      if (parsed.data.t === 'beat') this.heardFrom(from)
      else this.depart(from)
    })
    this.beat()
    this.beater = setInterval(() => this.beat(), this.options.beatMs)
    this.checker = setInterval(() => this.check(), this.options.checkMs)
    this.beater.unref()
    this.checker.unref()
  }

  /** Any message from a process is a sign of life (its states may arrive before its first beat). */
  heardFrom(processId: string): void {
    if (processId === this.relay.processId) return
    const returned = this.departedAt.delete(processId)
    this.heard.set(processId, this.now())
    if (returned) this.events.returned(processId)
  }

  /** A graceful stop says so, and the others drop its presence at once. */
  async close(): Promise<void> {
    if (this.beater) clearInterval(this.beater)
    if (this.checker) clearInterval(this.checker)
    this.unsubscribe?.()
    this.relay.publish(BEAT, { t: 'bye' })
  }

  private beat(): void {
    this.relay.publish(BEAT, { t: 'beat' })
  }

  /** Measures the others' silence (every `checkMs` once started). */
  check(): void {
    const now = this.now()
    const late = now - this.lastCheck > this.options.checkMs + this.options.beatMs
    this.lastCheck = now
    if (!this.connected()) {
      this.upSince = null
      return
    }
    this.upSince ??= now
    if (late) return
    for (const [processId, at] of this.heard) {
      if (now - Math.max(at, this.upSince) > this.options.silentMs) this.depart(processId)
    }
    for (const [processId, at] of this.departedAt) if (now - at > REMEMBER_DEPARTED_MS) this.departedAt.delete(processId)
  }

  private depart(processId: string): void {
    if (processId === this.relay.processId) return
    this.heard.delete(processId)
    if (this.departedAt.has(processId)) return
    this.departedAt.set(processId, this.now())
    this.events.departed(processId)
  }
}
