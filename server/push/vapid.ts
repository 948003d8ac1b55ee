import webpush from 'web-push'
import type { Clock } from '../services/clock.ts'
import type { PushStore, VapidKeys } from '../store/push.ts'

/**
 * The deployment's VAPID key pair: VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY when set, else one made on
 * first use and kept in the database. It must not change once browsers have subscribed with its
 * public key (their subscriptions would stop working), so every process reads the one stored pair.
 */
export class VapidKeyring {
  private loading: Promise<VapidKeys> | null = null

  constructor(
    private readonly store: PushStore,
    private readonly clock: Clock,
    private readonly fixed: VapidKeys | null,
  ) {}

  keys(): Promise<VapidKeys> {
    if (this.fixed) return Promise.resolve(this.fixed)
    this.loading ??= this.store.vapidKeys(webpush.generateVAPIDKeys(), this.clock.now()).catch((error: unknown) => {
      this.loading = null
      throw error
    })
    return this.loading
  }
}
