import type { WebhookEvent } from '../../../shared/schemas/webhooks.ts'
import type { NewJob } from '../jobs.ts'
import type { DeliveryAttempt, DeliveryRecord, WebhookRecord, WebhookStore } from '../webhooks.ts'
import { insertJob } from './jobs.ts'
import type { PgDb } from './pg-db.ts'
import { type WebhookColumns, type DeliveryColumns, toWebhook, toDelivery } from '../webhooks-rows.ts'

export class PgWebhookStore implements WebhookStore {
  constructor(private readonly db: PgDb) {}

  async insert(w: WebhookRecord): Promise<void> {
    await this.db.run('INSERT INTO webhooks (id, account_id, url, secret, events, active, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      w.id,
      w.accountId,
      w.url,
      w.secret,
      JSON.stringify(w.events),
      w.active ? 1 : 0,
      w.createdAt,
    ])
  }

  async get(id: string): Promise<WebhookRecord | null> {
    const r = await this.db.row<WebhookColumns>('SELECT * FROM webhooks WHERE id = $1', [id])
    return r ? toWebhook(r) : null
  }

  async list(accountId: string): Promise<WebhookRecord[]> {
    const rows = await this.db.rows<WebhookColumns>('SELECT * FROM webhooks WHERE account_id = $1 ORDER BY created_at, id COLLATE "C"', [accountId])
    return rows.map(toWebhook)
  }

  async listSubscribed(accountId: string, event: WebhookEvent): Promise<WebhookRecord[]> {
    const rows = await this.db.rows<WebhookColumns>(
      `SELECT * FROM webhooks WHERE account_id = $1 AND active = 1
         AND EXISTS (SELECT 1 FROM json_array_elements_text(webhooks.events::json) AS e WHERE e = $2) ORDER BY created_at, id COLLATE "C"`,
      [accountId, event],
    )
    return rows.map(toWebhook)
  }

  async update(id: string, changes: Partial<Pick<WebhookRecord, 'url' | 'events' | 'active' | 'secret'>>): Promise<void> {
    await this.db.run(
      `UPDATE webhooks SET url = coalesce($1, url), events = coalesce($2, events), active = coalesce($3, active),
         secret = coalesce($4, secret) WHERE id = $5`,
      [
        changes.url ?? null,
        changes.events ? JSON.stringify(changes.events) : null,
        changes.active === undefined ? null : changes.active ? 1 : 0,
        changes.secret ?? null,
        id,
      ],
    )
  }

  async delete(id: string): Promise<void> {
    await this.db.tx(async (sql) => {
      await sql.run('DELETE FROM webhook_deliveries WHERE webhook_id = $1', [id])
      await sql.run('DELETE FROM webhooks WHERE id = $1', [id])
    })
  }

  async insertDeliveries(items: { delivery: DeliveryRecord; job: NewJob }[], now: number): Promise<void> {
    await this.db.tx(async (sql) => {
      for (const { delivery: d, job } of items) {
        // Two processes fanning out the same event: the unique (event_id, webhook_id) index makes the
        // second wait for the first and then skip the delivery, with its job.
        const made = await sql.run(
          `INSERT INTO webhook_deliveries (id, webhook_id, account_id, event_id, event, payload, status, attempts, response_status,
             last_error, created_at, delivered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
           ON CONFLICT (event_id, webhook_id) DO NOTHING`,
          [d.id, d.webhookId, d.accountId, d.eventId, d.event, d.payload, d.status, d.attempts, d.responseStatus, d.lastError, d.createdAt, d.deliveredAt],
        )
        if (made === 1) await insertJob(sql, job, now)
      }
    })
  }

  async getDelivery(id: string): Promise<DeliveryRecord | null> {
    const r = await this.db.row<DeliveryColumns>('SELECT * FROM webhook_deliveries WHERE id = $1', [id])
    return r ? toDelivery(r) : null
  }

  async listDeliveries(webhookId: string, limit: number): Promise<DeliveryRecord[]> {
    // ord (insertion order) breaks ties between deliveries made in the same millisecond, as SQLite's rowid does.
    const rows = await this.db.rows<DeliveryColumns>(
      'SELECT * FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY created_at DESC, ord DESC LIMIT $2',
      [webhookId, limit],
    )
    return rows.map(toDelivery)
  }

  async recordAttempt(id: string, a: DeliveryAttempt): Promise<void> {
    await this.db.run(
      `UPDATE webhook_deliveries SET status = $1, attempts = $2, response_status = $3, last_error = $4, delivered_at = $5
       WHERE id = $6`,
      [a.status, a.attempts, a.responseStatus, a.lastError, a.deliveredAt, id],
    )
  }
}
