import type { JobRecord, JobStore, NewJob } from '../store/jobs.ts'
import type { Clock } from '../services/clock.ts'

export interface JobHandler {
  run(job: JobRecord): Promise<void>
  /** Attempts before the job is marked failed (default 8). */
  maxAttempts?: number
  /** Wait before the next attempt after `attempt` failed (default `retryDelay`). */
  retryDelay?: (attempt: number) => number
}

/** A handler's way of saying "do not try again": the job fails at once. */
export class PermanentJobError extends Error {}

const LEASE_MS = 60_000
const POLL_MS = 1_000
const BATCH = 20

/** Exponential backoff with full jitter, 1 s doubling to at most 10 min. */
export const retryDelay = (attempt: number, random: () => number = Math.random): number =>
  Math.floor(random() * Math.min(600_000, 1_000 * 2 ** Math.min(attempt, 20)))

/**
 * Runs persistent jobs (mail to send, webhooks to deliver) with retries. A job is leased while it runs;
 * if the process dies, the lease runs out and the job is taken up again after a restart, so a handler
 * must be safe to run twice (each makes its own side effect idempotent where the other end allows).
 */
export class JobRunner {
  private readonly handlers = new Map<string, JobHandler>()
  private timer: NodeJS.Timeout | null = null
  private running: Promise<void> | null = null
  private again = false
  private stopped = true

  constructor(
    private readonly jobs: JobStore,
    private readonly clock: Clock,
  ) {}

  register(kind: string, handler: JobHandler): void {
    this.handlers.set(kind, handler)
  }

  async enqueue(job: Omit<NewJob, 'id' | 'runAt'> & { runAt?: number }): Promise<boolean> {
    const created = await this.jobs.enqueue({ id: this.clock.id(), runAt: job.runAt ?? this.clock.now(), ...job }, this.clock.now())
    if (created) this.poke()
    return created
  }

  start(): void {
    this.stopped = false
    this.poke()
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    await this.running
  }

  /** Runs due jobs now (after an enqueue), instead of at the next poll. */
  poke(): void {
    if (this.stopped) return
    if (this.running) {
      this.again = true
      return
    }
    if (this.timer) clearTimeout(this.timer)
    this.running = this.drain().finally(() => {
      this.running = null
      if (this.stopped) return
      if (this.again) {
        this.again = false
        this.poke()
      } else {
        this.timer = setTimeout(() => this.poke(), POLL_MS)
        this.timer.unref()
      }
    })
  }

  /** Resolves once nothing is due (tests wait on this instead of sleeping). */
  async idle(): Promise<void> {
    while (this.running) await this.running
  }

  private async drain(): Promise<void> {
    for (;;) {
      const due = await this.jobs.claimDue(this.clock.now(), LEASE_MS, BATCH)
      if (due.length === 0) return
      await Promise.all(due.map((job) => this.runOne(job)))
    }
  }

  private async runOne(job: JobRecord): Promise<void> {
    const handler = this.handlers.get(job.kind)
    if (!handler) {
      await this.jobs.fail(job.id, `no handler for ${job.kind}`, this.clock.now())
      return
    }
    try {
      await handler.run(job)
      await this.jobs.complete(job.id, this.clock.now())
    } catch (error) {
      const message = (error as Error).message ?? String(error)
      const now = this.clock.now()
      if (error instanceof PermanentJobError || job.attempts >= (handler.maxAttempts ?? 8)) await this.jobs.fail(job.id, message, now)
      else {
        const delay = (handler.retryDelay ?? retryDelay)(job.attempts)
        await this.jobs.retryAt(job.id, message, now + delay, now)
        // A retry due before the next poll is taken up at its time, not up to a poll interval late.
        if (delay < POLL_MS) setTimeout(() => this.poke(), delay).unref()
      }
    }
  }
}
