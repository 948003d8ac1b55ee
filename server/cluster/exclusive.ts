import type { LeaseStore } from '../store/leases.ts'

/** Work that must not run on two processes at once: `fn` runs only while this process holds the lease. */
export interface Exclusive {
  /** `fn`'s result, or undefined when another process holds the lease (then `fn` did not run). */
  exclusively<T>(name: string, fn: () => Promise<T>): Promise<T | undefined>
}

/** One process: nothing to exclude. */
export const alone: Exclusive = { exclusively: (_name, fn) => fn() }

/**
 * Leases in the store (both backends), so exclusion holds whatever carries the relay. The lease
 * outlives a crashed holder by `ttlMs` at most; work that can run longer must renew it.
 */
export class StoreLeases implements Exclusive {
  constructor(
    private readonly leases: LeaseStore,
    private readonly holder: string,
    private readonly now: () => number,
    private readonly ttlMs: number,
  ) {}

  async exclusively<T>(name: string, fn: () => Promise<T>): Promise<T | undefined> {
    const now = this.now()
    if (!(await this.leases.tryAcquire(name, this.holder, now, now + this.ttlMs))) return undefined
    try {
      return await fn()
    } finally {
      await this.leases.release(name, this.holder).catch((error: unknown) => console.error(`lease ${name}: release failed`, error))
    }
  }
}
