import type { Contact } from '../../../shared/schemas/entities.ts'
import type { FeedEntry } from '../../../shared/schemas/feed.ts'
import type { VisitorRecord, VisitorStore } from '../visitors.ts'
import { type ContactColumns, toContact } from '../rows.ts'
import { insertContactRow } from './contacts.ts'
import { appendFeed } from './feed-append.ts'
import type { PgDb } from './pg-db.ts'

interface VisitorColumns {
  id: string
  account_id: string
  inbox_id: string
  contact_id: string | null
  name: string
  email: string | null
  created_at: number
  revoked_at: number | null
}

const toVisitor = (r: VisitorColumns): VisitorRecord => ({
  id: r.id,
  accountId: r.account_id,
  inboxId: r.inbox_id,
  contactId: r.contact_id,
  name: r.name,
  email: r.email,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
})

export class PgVisitorStore implements VisitorStore {
  constructor(private readonly db: PgDb) {}

  async insert(v: VisitorRecord): Promise<void> {
    await this.db.run(
      'INSERT INTO visitors (id, account_id, inbox_id, contact_id, name, email, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      [v.id, v.accountId, v.inboxId, v.contactId, v.name, v.email, v.createdAt, v.revokedAt],
    )
  }

  async get(id: string): Promise<VisitorRecord | null> {
    const row = await this.db.row<VisitorColumns>('SELECT * FROM visitors WHERE id = $1', [id])
    return row ? toVisitor(row) : null
  }

  contactFor(visitorId: string, contact: Contact): Promise<{ contact: Contact; entries: FeedEntry[] }> {
    return this.db.tx(async (sql) => {
      // FOR UPDATE: a visitor's first two messages arriving together make one contact, not two; the
      // second waits here and then finds the first's.
      const visitor = await sql.row<{ contact_id: string | null }>('SELECT contact_id FROM visitors WHERE id = $1 FOR UPDATE', [visitorId])
      if (!visitor) throw new Error(`unknown visitor ${visitorId}`)
      if (visitor.contact_id) {
        const existing = await sql.row<ContactColumns>('SELECT * FROM contacts WHERE id = $1', [visitor.contact_id])
        return { contact: toContact(existing!), entries: [] }
      }
      await insertContactRow(sql, contact)
      await sql.run('UPDATE visitors SET contact_id = $1 WHERE id = $2', [contact.id, visitorId])
      const entry = await appendFeed(sql, contact.accountId, contact.id, (seq) => ({ seq, kind: 'contact', contact }))
      return { contact, entries: [entry] }
    })
  }

  revokeOfContact(accountId: string, contactId: string, now: number): Promise<string[] | null> {
    return this.db.tx(async (sql) => {
      const rows = await sql.rows<{ id: string; revoked_at: number | null }>(
        'SELECT id, revoked_at FROM visitors WHERE account_id = $1 AND contact_id = $2 ORDER BY created_at, id FOR UPDATE',
        [accountId, contactId],
      )
      if (rows.length === 0) return null
      const live = rows.filter((r) => r.revoked_at === null).map((r) => r.id)
      if (live.length > 0) await sql.run('UPDATE visitors SET revoked_at = $1 WHERE id = ANY($2::text[])', [now, live])
      return live
    })
  }
}
