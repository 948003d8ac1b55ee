import type Database from 'better-sqlite3'
import type { WebhookEvent } from '../../../shared/schemas/webhooks.ts'
import type { NewJob } from '../jobs.ts'
import type { DeliveryAttempt, DeliveryRecord, WebhookRecord, WebhookStore } from '../webhooks.ts'
import { insertJob } from './jobs.ts'
import { type WebhookColumns, type DeliveryColumns, toWebhook, toDelivery } from '../webhooks-rows.ts'

export class SqliteWebhookStore implements WebhookStore {
  constructor(private readonly db: Database.Database) {}

  async insert(w: WebhookRecord): Promise<void> {
    this.db
      .prepare('INSERT INTO webhooks (id, account_id, url, secret, events, active, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(w.id, w.accountId, w.url, w.secret, JSON.stringify(w.events), w.active ? 1 : 0, w.createdAt)
  }

  async get(id: string): Promise<WebhookRecord | null> {
    const r = this.db.prepare('SELECT * FROM webhooks WHERE id = ?').get(id) as WebhookColumns | undefined
    return r ? toWebhook(r) : null
  }

  async list(accountId: string): Promise<WebhookRecord[]> {
    const rows = this.db.prepare('SELECT * FROM webhooks WHERE account_id = ? ORDER BY created_at, id').all(accountId) as WebhookColumns[]
    return rows.map(toWebhook)
  }

  async listSubscribed(accountId: string, event: WebhookEvent): Promise<WebhookRecord[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM webhooks WHERE account_id = ? AND active = 1
           AND EXISTS (SELECT 1 FROM json_each(webhooks.events) WHERE value = ?) ORDER BY created_at, id`,
      )
      .all(accountId, event) as WebhookColumns[]
    return rows.map(toWebhook)
  }

  async update(id: string, changes: Partial<Pick<WebhookRecord, 'url' | 'events' | 'active' | 'secret'>>): Promise<void> {
    this.db
      .prepare(
        `UPDATE webhooks SET url = coalesce(?, url), events = coalesce(?, events), active = coalesce(?, active),
           secret = coalesce(?, secret) WHERE id = ?`,
      )
      .run(
        changes.url ?? null,
        changes.events ? JSON.stringify(changes.events) : null,
        changes.active === undefined ? null : changes.active ? 1 : 0,
        changes.secret ?? null,
        id,
      )
  }

  async delete(id: string): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM webhook_deliveries WHERE webhook_id = ?').run(id)
      this.db.prepare('DELETE FROM webhooks WHERE id = ?').run(id)
    })()
  }

  async insertDeliveries(items: { delivery: DeliveryRecord; job: NewJob }[], now: number): Promise<void> {
    const insert = this.db.prepare(
      `INSERT INTO webhook_deliveries (id, webhook_id, account_id, event_id, event, payload, status, attempts, response_status,
         last_error, created_at, delivered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (event_id, webhook_id) DO NOTHING`,
    )
    this.db.transaction(() => {
      for (const { delivery: d, job } of items) {
        const made = insert.run(d.id, d.webhookId, d.accountId, d.eventId, d.event, d.payload, d.status, d.attempts, d.responseStatus,
          d.lastError, d.createdAt, d.deliveredAt)
        if (made.changes === 1) insertJob(this.db, job, now)
      }
    })()
  }

  async getDelivery(id: string): Promise<DeliveryRecord | null> {
    const r = this.db.prepare('SELECT * FROM webhook_deliveries WHERE id = ?').get(id) as DeliveryColumns | undefined
    return r ? toDelivery(r) : null
  }

  async listDeliveries(webhookId: string, limit: number): Promise<DeliveryRecord[]> {
    // rowid breaks ties between deliveries made in the same millisecond (one event, several webhooks).
    const rows = this.db
      .prepare('SELECT * FROM webhook_deliveries WHERE webhook_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?')
      .all(webhookId, limit) as DeliveryColumns[]
    return rows.map(toDelivery)
  }

  async recordAttempt(id: string, a: DeliveryAttempt): Promise<void> {
    this.db
      .prepare(
        `UPDATE webhook_deliveries SET status = ?, attempts = ?, response_status = ?, last_error = ?, delivered_at = ?
         WHERE id = ?`,
      )
      .run(a.status, a.attempts, a.responseStatus, a.lastError, a.deliveredAt, id)
  }
}
