import type { PushMessage, PushSubscriptionJson } from '../../shared/schemas/push.ts'
import type { JobRunner } from '../jobs/runner.ts'
import type { Clock } from '../services/clock.ts'
import { ConflictError, InvalidFieldError, NotFoundError } from '../services/errors.ts'
import type { PushStore, VapidKeys } from '../store/push.ts'
import type { AgentRecord } from '../store/types.ts'
import { endpointProblem } from './endpoint-policy.ts'
import { PUSH_JOB, pushSendJob } from './send-job.ts'
import { VapidKeyring } from './vapid.ts'

/** Where notifications go to reach an agent whose app is closed: what the notification service
 *  (issue 12) calls for each notification it creates. */
export interface PushSink {
  notify(agentId: string, message: PushMessage): Promise<void>
}

export interface PushOptions {
  vapid: VapidKeys | null
  subject: string
  timeoutMs: number
  allowPrivate: boolean
}

/** A browser subscribed to too many agents' notifications, or an agent with a runaway number of
 *  devices: a bound on the fan-out of one notification. */
const MAX_SUBSCRIPTIONS_PER_AGENT = 20

/** Web Push for agents: the deployment's public key, each agent's own subscriptions, and sending. */
export class PushService implements PushSink {
  private readonly keyring: VapidKeyring
  /** Set by connect(): pushes are jobs of the runner. */
  private jobs: JobRunner | null = null

  constructor(
    private readonly store: PushStore,
    private readonly clock: Clock,
    private readonly options: PushOptions,
  ) {
    this.keyring = new VapidKeyring(store, clock, options.vapid)
  }

  connect(jobs: JobRunner): void {
    this.jobs = jobs
    jobs.register(PUSH_JOB, pushSendJob(this.store, this.keyring, this.options))
  }

  async publicKey(): Promise<string> {
    return (await this.keyring.keys()).publicKey
  }

  async subscribe(agent: AgentRecord, subscription: PushSubscriptionJson): Promise<void> {
    const problem = endpointProblem(subscription.endpoint, this.options.allowPrivate)
    if (problem) throw new InvalidFieldError('endpoint', problem)
    const saved = await this.store.saveSubscription({
      id: this.clock.id(),
      accountId: agent.accountId,
      agentId: agent.id,
      endpoint: subscription.endpoint,
      p256dh: subscription.keys.p256dh,
      auth: subscription.keys.auth,
      createdAt: this.clock.now(),
    })
    // Endpoints are capability URLs; still, knowing another agent's must not be enough to divert it.
    if (!saved) throw new ConflictError('this push endpoint is subscribed by another agent')
    // The oldest go first: a browser profile long gone never answers 410 if its push service forgot it.
    const all = await this.store.listSubscriptions(agent.id)
    for (const old of all.slice(0, Math.max(0, all.length - MAX_SUBSCRIPTIONS_PER_AGENT))) await this.store.deleteSubscriptionById(old.id)
  }

  /** Only the agent's own: another agent's endpoint is "not found" like one never subscribed. */
  async unsubscribe(agent: AgentRecord, endpoint: string): Promise<void> {
    if (!(await this.store.deleteSubscription(agent.id, endpoint))) throw new NotFoundError('no such subscription of yours')
  }

  /** Queues one push per subscription of the agent; the same message (tag) to the same subscription
   *  is queued once, however often it is asked for. */
  async notify(agentId: string, message: PushMessage): Promise<void> {
    const jobs = this.jobs
    if (!jobs) throw new Error('push: not connected to the job runner')
    for (const subscription of await this.store.listSubscriptions(agentId)) {
      await jobs.enqueue({
        kind: PUSH_JOB,
        accountId: subscription.accountId,
        dedupeKey: `push:${message.tag}:${subscription.id}`,
        payload: { subscriptionId: subscription.id, agentId, message },
      })
    }
  }
}
