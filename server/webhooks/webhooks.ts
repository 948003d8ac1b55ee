import type { NewWebhook, Webhook, WebhookDelivery, WebhookPatch, WebhookWithSecret } from '../../shared/schemas/webhooks.ts'
import { WEBHOOK_EVENTS } from '../../shared/schemas/webhooks.ts'
import type { Config } from '../config.ts'
import type { Outbox } from '../jobs/outbox.ts'
import type { JobRunner } from '../jobs/runner.ts'
import type { Clock } from '../services/clock.ts'
import { ConflictError, InvalidFieldError, NotFoundError } from '../services/errors.ts'
import type { DeliveryRecord, WebhookRecord } from '../store/webhooks.ts'
import type { Store } from '../store/types.ts'
import { WEBHOOK_JOB, deliveryJob } from './delivery-job.ts'
import { WEBHOOK_EVENT_JOB, decideWebhookEvents, fanOutJob } from './dispatch.ts'
import { isPrivateAddress, literalAddress } from './address-policy.ts'
import { newWebhookSecret } from './signature.ts'

/** Every event of an account is sent to each of its webhooks: a bound on the fan-out. */
const MAX_WEBHOOKS_PER_ACCOUNT = 20

const publicWebhook = (w: WebhookRecord): Webhook => ({ id: w.id, url: w.url, events: w.events, active: w.active, createdAt: w.createdAt })

const publicDelivery = (d: DeliveryRecord): WebhookDelivery => ({
  id: d.id,
  webhookId: d.webhookId,
  event: d.event,
  status: d.status,
  attempts: d.attempts,
  responseStatus: d.responseStatus,
  lastError: d.lastError,
  createdAt: d.createdAt,
  deliveredAt: d.deliveredAt,
})

/** Keeps the canonical order and drops duplicates, so equal subscriptions are stored alike. */
const normalise = (events: readonly string[]) => WEBHOOK_EVENTS.filter((e) => events.includes(e))

/**
 * An account's webhooks, as its agents manage them. The signing secret is made here and shown once,
 * in the answer that creates it (or replaces it): it is never listed, so it does not sit in every
 * agent's settings screen; an agent who lost it asks for a new one.
 */
export class WebhookService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly options: Config['webhooks'],
  ) {}

  /** Starts turning the account's events into deliveries (queued with the change that causes them),
   *  and delivering them. */
  connect(outbox: Outbox, jobs: JobRunner): void {
    jobs.register(WEBHOOK_JOB, deliveryJob(this.store, this.clock, this.options))
    jobs.register(WEBHOOK_EVENT_JOB, fanOutJob(this.store, this.clock, (kind) => jobs.poke(kind)))
    decideWebhookEvents(this.store, outbox)
  }

  async list(accountId: string): Promise<Webhook[]> {
    return (await this.store.webhooks.list(accountId)).map(publicWebhook)
  }

  async create(accountId: string, input: NewWebhook): Promise<WebhookWithSecret> {
    this.checkTarget(input.url)
    if ((await this.store.webhooks.list(accountId)).length >= MAX_WEBHOOKS_PER_ACCOUNT)
      throw new ConflictError(`an account has at most ${MAX_WEBHOOKS_PER_ACCOUNT} webhooks`)
    const record: WebhookRecord = {
      id: this.clock.id(),
      accountId,
      url: input.url,
      secret: newWebhookSecret(),
      events: normalise(input.events),
      active: true,
      createdAt: this.clock.now(),
    }
    await this.store.webhooks.insert(record)
    return { webhook: publicWebhook(record), secret: record.secret }
  }

  async update(accountId: string, id: string, patch: WebhookPatch): Promise<Webhook> {
    await this.owned(accountId, id)
    if (patch.url !== undefined) this.checkTarget(patch.url)
    await this.store.webhooks.update(id, {
      ...(patch.url !== undefined && { url: patch.url }),
      ...(patch.events !== undefined && { events: normalise(patch.events) }),
      ...(patch.active !== undefined && { active: patch.active }),
    })
    return publicWebhook(await this.owned(accountId, id))
  }

  /** A new secret replaces the old one at once: deliveries from now on (retries included) use it. */
  async replaceSecret(accountId: string, id: string): Promise<WebhookWithSecret> {
    await this.owned(accountId, id)
    const secret = newWebhookSecret()
    await this.store.webhooks.update(id, { secret })
    return { webhook: publicWebhook(await this.owned(accountId, id)), secret }
  }

  async remove(accountId: string, id: string): Promise<void> {
    await this.owned(accountId, id)
    await this.store.webhooks.delete(id)
  }

  async deliveries(accountId: string, id: string, limit: number): Promise<WebhookDelivery[]> {
    await this.owned(accountId, id)
    return (await this.store.webhooks.listDeliveries(id, limit)).map(publicDelivery)
  }

  /**
   * A URL naming a private, loopback or link-local address is refused when it is saved (unless
   * WEBHOOK_ALLOW_PRIVATE). A host name is judged at each delivery, on what it resolves to then.
   */
  private checkTarget(url: string): void {
    if (this.options.allowPrivate) return
    const literal = literalAddress(new URL(url))
    if (literal !== null && isPrivateAddress(literal))
      throw new InvalidFieldError('url', 'a private, loopback or link-local address is not allowed: webhooks go to public addresses')
  }

  /** Another account's webhook is "not found", like one that does not exist (ids cannot be probed). */
  private async owned(accountId: string, id: string): Promise<WebhookRecord> {
    const webhook = await this.store.webhooks.get(id)
    if (!webhook || webhook.accountId !== accountId) throw new NotFoundError('webhook not found')
    return webhook
  }
}
