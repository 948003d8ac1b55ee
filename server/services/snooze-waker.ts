/**
 * Wakes snoozed conversations at their time (DESIGN §4 rule 4). Sleeps until the earliest snooze,
 * re-arms when a nearer one is set, and checks at least once a minute in case the clock jumped.
 */
export class SnoozeWaker {
  private timer: NodeJS.Timeout | null = null
  private timerAt = Number.POSITIVE_INFINITY
  private running: Promise<void> | null = null
  private stopped = false
  private static readonly MAX_SLEEP_MS = 60_000

  constructor(
    private readonly wake: () => Promise<number | null>,
    private readonly now: () => number,
  ) {}

  start(): void {
    void this.run()
  }

  /** A snooze until `at` was set: make sure we are awake by then. */
  notify(at: number): void {
    if (at < this.timerAt) this.arm(at)
  }

  private arm(at: number): void {
    if (this.stopped) return
    if (this.timer) clearTimeout(this.timer)
    const delay = Math.min(Math.max(0, at - this.now()), SnoozeWaker.MAX_SLEEP_MS)
    this.timerAt = this.now() + delay
    this.timer = setTimeout(() => void this.run(), delay)
    this.timer.unref()
  }

  /** A round now, as the timer would run it (after a clock jump; two processes racing in tests). */
  wakeNow(): Promise<void> {
    return this.run()
  }

  private async run(): Promise<void> {
    if (this.running) return this.running
    this.running = (async () => {
      let next: number | null = null
      try {
        next = await this.wake()
      } catch (error) {
        console.error('snooze wake-up failed', error)
      }
      this.running = null
      this.timerAt = Number.POSITIVE_INFINITY
      this.arm(next ?? this.now() + SnoozeWaker.MAX_SLEEP_MS)
    })()
    return this.running
  }

  stop(): void {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
  }
}
