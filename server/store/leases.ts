// Named leases: work that must not run on two server processes at once (snooze wake-ups, a doc's
// compaction). A lease held past `until` (its holder crashed) can be taken by another process.

export interface LeaseStore {
  /** Takes the lease for `holder` until `until` if it is free, expired at `now`, or already its own. */
  tryAcquire(name: string, holder: string, now: number, until: number): Promise<boolean>
  /** Gives the lease back, if `holder` still holds it. */
  release(name: string, holder: string): Promise<void>
}
