/** Password hashing is saturated: the caller should try again in a moment (answered 503). */
export class HashBusyError extends Error {
  readonly status = 503
  readonly retryAfterSeconds = 2
  constructor() {
    super('The server is busy checking passwords. Try again in a few seconds.')
  }
}

/**
 * A counting semaphore with a bounded queue, and a gauge of what it holds. Work beyond `running`
 * waits its turn in arrival order; beyond `waiting` more it is refused at once, so a flood costs the
 * flooder a quick 503 and never an unbounded pile of pending work.
 */
export class HashSlots {
  private active = 0
  private readonly queue: (() => void)[] = []
  /** The most that ever ran at once (tests read it to prove the bound holds). */
  peak = 0

  constructor(
    readonly running: number,
    readonly waiting: number,
  ) {}

  get inFlight(): number {
    return this.active
  }

  get queued(): number {
    return this.queue.length
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active < this.running) this.active++
    else if (this.queue.length >= this.waiting) throw new HashBusyError()
    // A finishing run hands its slot straight to the next in line (active stays counted), so a
    // newcomer arriving in between cannot slip past the bound.
    else await new Promise<void>((resolve) => this.queue.push(resolve))
    this.peak = Math.max(this.peak, this.active)
    try {
      return await work()
    } finally {
      const next = this.queue.shift()
      if (next) next()
      else this.active--
    }
  }
}
