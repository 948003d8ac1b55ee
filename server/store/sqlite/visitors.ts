import type Database from 'better-sqlite3'
import type { Contact } from '../../../shared/schemas/entities.ts'
import type { FeedEntry } from '../../../shared/schemas/feed.ts'
import type { VisitorRecord, VisitorStore } from '../visitors.ts'
import type { AppendFeed } from './feed-append.ts'
import { type ContactColumns, toContact } from '../rows.ts'

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

export class SqliteVisitorStore implements VisitorStore {
  constructor(
    private readonly db: Database.Database,
    private readonly appendFeed: AppendFeed,
  ) {}

  async insert(v: VisitorRecord): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO visitors (id, account_id, inbox_id, contact_id, name, email, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(v.id, v.accountId, v.inboxId, v.contactId, v.name, v.email, v.createdAt, v.revokedAt)
  }

  async get(id: string): Promise<VisitorRecord | null> {
    const row = this.db.prepare('SELECT * FROM visitors WHERE id = ?').get(id) as VisitorColumns | undefined
    return row ? toVisitor(row) : null
  }

  async contactFor(visitorId: string, contact: Contact): Promise<{ contact: Contact; entries: FeedEntry[] }> {
    return this.db.transaction(() => {
      const visitor = this.db.prepare('SELECT contact_id FROM visitors WHERE id = ?').get(visitorId) as { contact_id: string | null } | undefined
      if (!visitor) throw new Error(`unknown visitor ${visitorId}`)
      if (visitor.contact_id) {
        const existing = this.db.prepare('SELECT * FROM contacts WHERE id = ?').get(visitor.contact_id) as ContactColumns
        return { contact: toContact(existing), entries: [] }
      }
      this.db
        .prepare('INSERT INTO contacts (id, account_id, name, email, unverified_email, attributes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(contact.id, contact.accountId, contact.name, contact.email, contact.unverifiedEmail ?? null, JSON.stringify(contact.attributes), contact.createdAt)
      this.db.prepare('UPDATE visitors SET contact_id = ? WHERE id = ?').run(contact.id, visitorId)
      const entry = this.appendFeed(contact.accountId, contact.id, (seq) => ({ seq, kind: 'contact', contact }))
      return { contact, entries: [entry] }
    })()
  }

  async revokeOfContact(accountId: string, contactId: string, now: number): Promise<string[] | null> {
    return this.db.transaction(() => {
      const rows = this.db
        .prepare('SELECT id, revoked_at FROM visitors WHERE account_id = ? AND contact_id = ?')
        .all(accountId, contactId) as { id: string; revoked_at: number | null }[]
      if (rows.length === 0) return null
      const live = rows.filter((r) => r.revoked_at === null).map((r) => r.id)
      const revoke = this.db.prepare('UPDATE visitors SET revoked_at = ? WHERE id = ?')
      for (const id of live) revoke.run(now, id)
      return live
    })()
  }
}
