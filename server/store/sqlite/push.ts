import type Database from 'better-sqlite3'
import type { PushStore, PushSubscriptionRecord, VapidKeys } from '../push.ts'
import { type PushSubscriptionColumns, toPushSubscription } from '../push-rows.ts'

export class SqlitePushStore implements PushStore {
  constructor(private readonly db: Database.Database) {}

  async vapidKeys(candidate: VapidKeys, now: number): Promise<VapidKeys> {
    this.db
      .prepare('INSERT INTO vapid_keys (id, public_key, private_key, created_at) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO NOTHING')
      .run(candidate.publicKey, candidate.privateKey, now)
    const r = this.db.prepare('SELECT public_key, private_key FROM vapid_keys WHERE id = 1').get() as { public_key: string; private_key: string }
    return { publicKey: r.public_key, privateKey: r.private_key }
  }

  async saveSubscription(s: PushSubscriptionRecord): Promise<boolean> {
    const made = this.db
      .prepare(
        `INSERT INTO push_subscriptions (id, account_id, agent_id, endpoint, p256dh, auth, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (endpoint) DO UPDATE SET account_id = excluded.account_id, agent_id = excluded.agent_id,
           p256dh = excluded.p256dh, auth = excluded.auth, created_at = excluded.created_at
         WHERE push_subscriptions.agent_id = excluded.agent_id OR push_subscriptions.auth = excluded.auth`,
      )
      .run(s.id, s.accountId, s.agentId, s.endpoint, s.p256dh, s.auth, s.createdAt)
    return made.changes > 0
  }

  async deleteSubscription(agentId: string, endpoint: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM push_subscriptions WHERE agent_id = ? AND endpoint = ?').run(agentId, endpoint).changes > 0
  }

  async deleteAgentSubscriptions(agentId: string): Promise<void> {
    this.db.prepare('DELETE FROM push_subscriptions WHERE agent_id = ?').run(agentId)
  }

  async deleteSubscriptionById(id: string): Promise<void> {
    this.db.prepare('DELETE FROM push_subscriptions WHERE id = ?').run(id)
  }

  async getSubscription(id: string): Promise<PushSubscriptionRecord | null> {
    const r = this.db.prepare('SELECT * FROM push_subscriptions WHERE id = ?').get(id) as PushSubscriptionColumns | undefined
    return r ? toPushSubscription(r) : null
  }

  async listSubscriptions(agentId: string): Promise<PushSubscriptionRecord[]> {
    const rows = this.db.prepare('SELECT * FROM push_subscriptions WHERE agent_id = ? ORDER BY created_at, id').all(agentId) as PushSubscriptionColumns[]
    return rows.map(toPushSubscription)
  }
}
