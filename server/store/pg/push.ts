import type { PushStore, PushSubscriptionRecord, VapidKeys } from '../push.ts'
import { type PushSubscriptionColumns, toPushSubscription } from '../push-rows.ts'
import type { PgDb } from './pg-db.ts'

export class PgPushStore implements PushStore {
  constructor(private readonly db: PgDb) {}

  async vapidKeys(candidate: VapidKeys, now: number): Promise<VapidKeys> {
    // One statement: a concurrent insert by another process makes this one's a no-op, and the read
    // after it sees the committed winner.
    await this.db.run(
      'INSERT INTO vapid_keys (id, public_key, private_key, created_at) VALUES (1, $1, $2, $3) ON CONFLICT (id) DO NOTHING',
      [candidate.publicKey, candidate.privateKey, now],
    )
    const r = await this.db.row<{ public_key: string; private_key: string }>('SELECT public_key, private_key FROM vapid_keys WHERE id = 1')
    return { publicKey: r!.public_key, privateKey: r!.private_key }
  }

  async saveSubscription(s: PushSubscriptionRecord): Promise<boolean> {
    const made = await this.db.run(
      `INSERT INTO push_subscriptions (id, account_id, agent_id, endpoint, p256dh, auth, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (endpoint) DO UPDATE SET account_id = excluded.account_id, agent_id = excluded.agent_id,
         p256dh = excluded.p256dh, auth = excluded.auth, created_at = excluded.created_at
         WHERE push_subscriptions.agent_id = excluded.agent_id OR push_subscriptions.auth = excluded.auth`,
      [s.id, s.accountId, s.agentId, s.endpoint, s.p256dh, s.auth, s.createdAt],
    )
    return made > 0
  }

  async deleteSubscription(agentId: string, endpoint: string): Promise<boolean> {
    return (await this.db.run('DELETE FROM push_subscriptions WHERE agent_id = $1 AND endpoint = $2', [agentId, endpoint])) > 0
  }

  async deleteAgentSubscriptions(agentId: string): Promise<void> {
    await this.db.run('DELETE FROM push_subscriptions WHERE agent_id = $1', [agentId])
  }

  async deleteSubscriptionById(id: string): Promise<void> {
    await this.db.run('DELETE FROM push_subscriptions WHERE id = $1', [id])
  }

  async getSubscription(id: string): Promise<PushSubscriptionRecord | null> {
    const r = await this.db.row<PushSubscriptionColumns>('SELECT * FROM push_subscriptions WHERE id = $1', [id])
    return r ? toPushSubscription(r) : null
  }

  async listSubscriptions(agentId: string): Promise<PushSubscriptionRecord[]> {
    const rows = await this.db.rows<PushSubscriptionColumns>('SELECT * FROM push_subscriptions WHERE agent_id = $1 ORDER BY created_at, id', [agentId])
    return rows.map(toPushSubscription)
  }
}
