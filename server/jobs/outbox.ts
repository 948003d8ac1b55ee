import type { Clock } from '../services/clock.ts'
import type { PendingEvent, PendingEventType } from '../services/domain-events.ts'
import type { NewJob } from '../store/jobs.ts'

/** A job as a decider describes it; the outbox gives it its id and time. */
export type JobSpec = Pick<NewJob, 'kind' | 'accountId' | 'dedupeKey' | 'payload'>

type Decide<T extends PendingEventType> = (event: Extract<PendingEvent, { type: T }>) => JobSpec[] | Promise<JobSpec[]>
type AnyDecide = (event: PendingEvent) => JobSpec[] | Promise<JobSpec[]>

export interface PreparedJobs {
  /** To be written in the same transaction as the change. */
  jobs: NewJob[]
  /** Once that transaction has committed: the runner takes the jobs up now, not at its next poll. */
  committed(): void
}

/**
 * The transactional outbox. A change asks, before it commits, which jobs its events cause (the Email
 * channel: a reply's mail; webhooks: the event's fan-out) and writes them with itself. An earlier
 * version queued them from a listener after the commit: a crash or a failed enqueue in between lost a
 * reply the agent saw as sent. A decider that throws stops the change: better an error the client
 * retries (with the same id) than a stored change whose effects never happen.
 */
export class Outbox {
  private readonly deciders = new Map<PendingEventType, Set<AnyDecide>>()

  constructor(
    private readonly clock: Clock,
    private readonly wake: (kind: string) => void,
  ) {}

  decide<T extends PendingEventType>(type: T, decide: Decide<T>): () => void {
    let set = this.deciders.get(type)
    if (!set) {
      set = new Set()
      this.deciders.set(type, set)
    }
    // Only events of `type` reach this set.
    const any = decide as unknown as AnyDecide
    set.add(any)
    return () => set.delete(any)
  }

  async prepare(events: PendingEvent[]): Promise<PreparedJobs> {
    const now = this.clock.now()
    const jobs: NewJob[] = []
    for (const event of events) {
      for (const decide of this.deciders.get(event.type) ?? []) {
        for (const spec of await decide(event)) jobs.push({ ...spec, id: this.clock.id(), runAt: now })
      }
    }
    return {
      jobs,
      committed: () => {
        for (const kind of new Set(jobs.map((j) => j.kind))) this.wake(kind)
      },
    }
  }
}
