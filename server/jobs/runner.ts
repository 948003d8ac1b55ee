import type { JobRecord, JobStore, NewJob } from '../store/jobs.ts'
import type { Clock } from '../services/clock.ts'

export interface JobHandler {
  run(job: JobRecord): Promise<void>
  /** Attempts before the job is marked failed (default 8). */
  maxAttempts?: number
  /** Wait before the next attempt after `attempt` failed (default `retryDelay`). */
  retryDelay?: (attempt: number) => number
  /** Jobs of this kind that may run at once (default 4). */
  concurrency?: number
  /** Jobs of one group (NewJob.group) of this kind that may run at once (default: no cap). */
  perGroup?: number
}

/** A handler's way of saying "do not try again": the job fails at once. */
export class PermanentJobError extends Error {}

const LEASE_MS = 60_000
const POLL_MS = 1_000
const DEFAULT_CONCURRENCY = 4

/** Exponential backoff with full jitter, 1 s doubling to at most 10 min. */
export const retryDelay = (attempt: number, random: () => number = Math.random): number =>
  Math.floor(random() * Math.min(600_000, 1_000 * 2 ** Math.min(attempt, 20)))

/** The worker slots of one job kind. */
interface Lane {
  kind: string
  handler: JobHandler
  slots: number
  running: number
  /** Running jobs per group, for the handler's per-group cap. */
  groups: Map<string, number>
  claiming: boolean
  /** Asked to fill while a claim was under way: claim again once it is done. */
  again: boolean
  timer: NodeJS.Timeout | null
}

/**
 * Runs persistent jobs (mail to send, webhooks to deliver) with retries. A job is leased while it runs;
 * if the process dies, the lease runs out and the job is taken up again after a restart, so a handler
 * must be safe to run twice (each makes its own side effect idempotent where the other end allows).
 *
 * Each kind has its own slots and there is no batch to wait for: a slot takes the next due job of its
 * kind as soon as it is free. Within a kind, a handler may cap the jobs of one group (one webhook's
 * deliveries), so one slow receiver takes a few webhook slots, not all. A webhook receiver that takes its full timeout to answer occupies webhook
 * slots only; customers' mail goes out meanwhile (an earlier runner took 20 jobs of any kind and waited
 * for all of them, so one slow receiver held up every account's replies).
 */
export class JobRunner {
  private readonly lanes = new Map<string, Lane>()
  /** Claims and runs under way, for idle() and stop(). */
  private readonly inFlight = new Set<Promise<unknown>>()
  private stopped = true

  constructor(
    private readonly jobs: JobStore,
    private readonly clock: Clock,
  ) {}

  register(kind: string, handler: JobHandler): void {
    const slots = Math.max(1, handler.concurrency ?? DEFAULT_CONCURRENCY)
    this.lanes.set(kind, { kind, handler, slots, running: 0, groups: new Map(), claiming: false, again: false, timer: null })
    this.poke(kind)
  }

  /** Queues a job on its own. Work caused by a stored change goes through the Outbox instead, which
   *  writes it in the change's transaction. */
  async enqueue(job: Omit<NewJob, 'id' | 'runAt'> & { runAt?: number }): Promise<boolean> {
    const created = await this.jobs.enqueue({ id: this.clock.id(), runAt: job.runAt ?? this.clock.now(), ...job }, this.clock.now())
    if (created) this.poke(job.kind)
    return created
  }

  start(): void {
    this.stopped = false
    this.poke()
  }

  /** Stops taking jobs and waits for the running ones. */
  async stop(): Promise<void> {
    this.stopped = true
    for (const lane of this.lanes.values()) {
      if (lane.timer) clearTimeout(lane.timer)
      lane.timer = null
    }
    await this.idle()
  }

  /** Looks for due jobs now (after an enqueue) instead of at the next poll; of one kind, or of all. */
  poke(kind?: string): void {
    if (this.stopped) return
    if (kind === undefined) for (const lane of this.lanes.values()) this.fill(lane)
    else {
      const lane = this.lanes.get(kind)
      if (lane) this.fill(lane)
    }
  }

  /** Resolves once no job is running and no claim is under way (tests wait on this instead of sleeping). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight])
  }

  /** Claims as many due jobs as the lane has free slots, and starts each at once. */
  private fill(lane: Lane): void {
    if (this.stopped) return
    if (lane.claiming) {
      lane.again = true
      return
    }
    const free = lane.slots - lane.running
    // A full lane fills itself again when one of its jobs ends.
    if (free <= 0) return
    if (lane.timer) clearTimeout(lane.timer)
    lane.timer = null
    lane.claiming = true
    lane.again = false
    const cap = lane.handler.perGroup === undefined ? undefined : { perGroup: lane.handler.perGroup, running: lane.groups }
    const claim = this.jobs.claimDue(lane.kind, this.clock.now(), LEASE_MS, free, cap).then(
      (jobs) => {
        for (const job of jobs) this.begin(lane, job)
        return jobs.length
      },
      (error: unknown) => {
        console.error(`jobs: claiming ${lane.kind} failed`, error)
        return 0
      },
    )
    this.track(
      claim.then((claimed) => {
        lane.claiming = false
        if (this.stopped) return
        // Fewer than asked: nothing else is due, or only jobs of groups at their cap (a job of the
        // group ending fills again).
        if (lane.again || claimed === free) this.fill(lane)
        else this.sleep(lane)
      }),
    )
  }

  /** Nothing more is due now: look again at the next poll (retries coming due, leases running out,
   *  jobs queued by another process). */
  private sleep(lane: Lane): void {
    if (lane.timer) clearTimeout(lane.timer)
    lane.timer = setTimeout(() => {
      lane.timer = null
      this.fill(lane)
    }, POLL_MS)
    lane.timer.unref()
  }

  private begin(lane: Lane, job: JobRecord): void {
    const { group } = job
    lane.running += 1
    if (group !== null) lane.groups.set(group, (lane.groups.get(group) ?? 0) + 1)
    this.track(
      this.runOne(lane, job).finally(() => {
        lane.running -= 1
        if (group !== null) {
          const left = (lane.groups.get(group) ?? 1) - 1
          if (left === 0) lane.groups.delete(group)
          else lane.groups.set(group, left)
        }
        this.fill(lane)
      }),
    )
  }

  private track(work: Promise<unknown>): void {
    this.inFlight.add(work)
    void work.finally(() => this.inFlight.delete(work))
  }

  private async runOne(lane: Lane, job: JobRecord): Promise<void> {
    const { handler } = lane
    try {
      await handler.run(job)
      await this.jobs.complete(job.id, this.clock.now())
    } catch (error) {
      const message = (error as Error).message ?? String(error)
      const now = this.clock.now()
      try {
        if (error instanceof PermanentJobError || job.attempts >= (handler.maxAttempts ?? 8)) await this.jobs.fail(job.id, message, now)
        else {
          const delay = (handler.retryDelay ?? retryDelay)(job.attempts)
          await this.jobs.retryAt(job.id, message, now + delay, now)
          // A retry due before the next poll is taken up at its time, not up to a poll interval late.
          if (delay < POLL_MS) setTimeout(() => this.poke(lane.kind), delay).unref()
        }
      } catch (storeError) {
        // The lease runs out and the job is taken up again: nothing is lost.
        console.error(`jobs: recording the outcome of ${lane.kind} ${job.id} failed`, storeError)
      }
    }
  }
}
