// The persistent job queue's storage (outbound mail, webhook deliveries): jobs survive restarts, a job
// whose worker died is taken up again when its lease ends, and a dedupe key makes enqueueing idempotent.

export type JobStatus = 'pending' | 'running' | 'done' | 'failed'

export interface NewJob {
  id: string
  kind: string
  accountId: string | null
  /** At most one job per key, ever: enqueueing the same key again does nothing. */
  dedupeKey: string | null
  payload: unknown
  runAt: number
  /** Jobs of one group (one webhook's deliveries) are capped together within their kind's slots, so
   *  one slow receiver cannot take every slot of its kind. */
  group?: string | null
}

/** How many jobs of each group may run at once, and how many run now (groups not named: none). */
export interface GroupCap {
  perGroup: number
  running: ReadonlyMap<string, number>
}

export interface JobRecord {
  id: string
  kind: string
  accountId: string | null
  payload: unknown
  group: string | null
  status: JobStatus
  attempts: number
  runAt: number
  lastError: string | null
  createdAt: number
  updatedAt: number
}

export interface JobStore {
  /** false when a job with the same dedupe key exists already. */
  enqueue(job: NewJob, now: number): Promise<boolean>
  /** Takes due jobs of one kind (and running ones whose lease ran out) for `leaseMs`, counting the attempt. */
  claimDue(kind: string, now: number, leaseMs: number, limit: number, cap?: GroupCap): Promise<JobRecord[]>
  complete(id: string, now: number): Promise<void>
  retryAt(id: string, error: string, runAt: number, now: number): Promise<void>
  fail(id: string, error: string, now: number): Promise<void>
  /** When the next pending job of the kind is due, if any. */
  nextRunAt(kind: string): Promise<number | null>
  get(id: string): Promise<JobRecord | null>
  list(kind: string, accountId: string | null, limit: number): Promise<JobRecord[]>
}
