import type { Contact } from '../../../shared/schemas/entities.ts'
import type { FeedEntry } from '../../../shared/schemas/feed.ts'
import type { ContactStore } from '../contacts.ts'
import { type ContactColumns, toContact } from '../rows.ts'
import { appendFeed } from './feed-append.ts'
import type { PgDb, Sql } from './pg-db.ts'

/** Inserts the contact row; shared with the visitors area, which creates a visitor's contact. */
export async function insertContactRow(sql: Sql, contact: Contact): Promise<void> {
  await sql.run(
    'INSERT INTO contacts (id, account_id, name, email, unverified_email, attributes, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
    [contact.id, contact.accountId, contact.name, contact.email, contact.unverifiedEmail ?? null, JSON.stringify(contact.attributes), contact.createdAt],
  )
}

export class PgContactStore implements ContactStore {
  constructor(private readonly db: PgDb) {}

  insertContact(contact: Contact): Promise<FeedEntry[]> {
    return this.db.tx(async (sql) => {
      await insertContactRow(sql, contact)
      return [await appendFeed(sql, contact.accountId, contact.id, (seq) => ({ seq, kind: 'contact', contact }))]
    })
  }

  async getContact(id: string): Promise<Contact | null> {
    const r = await this.db.row<ContactColumns>('SELECT * FROM contacts WHERE id = $1', [id])
    return r ? toContact(r) : null
  }

  updateContact(contact: Contact): Promise<FeedEntry[]> {
    return this.db.tx(async (sql) => {
      await sql.run('UPDATE contacts SET name = $1, attributes = $2 WHERE id = $3', [contact.name, JSON.stringify(contact.attributes), contact.id])
      return [await appendFeed(sql, contact.accountId, contact.id, (seq) => ({ seq, kind: 'contact', contact }))]
    })
  }

  insertContactUnlessEmailTaken(contact: Contact & { email: string }): Promise<{ contact: Contact; entries: FeedEntry[] }> {
    return this.db.tx(async (sql) => {
      // No unique index to lean on (widget contacts keep theirs in unverified_email, and older data
      // may hold duplicates): a lock on the address makes concurrent inserts of it take turns.
      await sql.run("SELECT pg_advisory_xact_lock(hashtext('support-inbox:contact-email:' || $1 || ':' || lower($2)))", [contact.accountId, contact.email])
      const taken = await sql.row<ContactColumns>(
        'SELECT * FROM contacts WHERE account_id = $1 AND lower(email) = lower($2) ORDER BY created_at LIMIT 1',
        [contact.accountId, contact.email],
      )
      if (taken) return { contact: toContact(taken), entries: [] }
      await insertContactRow(sql, contact)
      return { contact, entries: [await appendFeed(sql, contact.accountId, contact.id, (seq) => ({ seq, kind: 'contact', contact }))] }
    })
  }

  async findContactByEmail(accountId: string, email: string): Promise<Contact | null> {
    // lower() on both sides uses the contacts_email index, as SQLite's COLLATE NOCASE column does.
    const r = await this.db.row<ContactColumns>(
      'SELECT * FROM contacts WHERE account_id = $1 AND lower(email) = lower($2) ORDER BY created_at LIMIT 1',
      [accountId, email],
    )
    return r ? toContact(r) : null
  }
}
