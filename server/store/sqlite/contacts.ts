import type { Contact } from '../../../shared/schemas/entities.ts'
import type { FeedEntry } from '../../../shared/schemas/feed.ts'
import type { ContactStore } from '../contacts.ts'
import type { FeedAppender, StatementCache } from './feed-append.ts'
import { type ContactColumns, toContact } from '../rows.ts'

export class SqliteContactStore implements ContactStore {
  constructor(
    private readonly statements: StatementCache,
    private readonly feed: FeedAppender,
  ) {}

  private sql(text: string) {
    return this.statements.sql(text)
  }

  async insertContact(contact: Contact): Promise<FeedEntry[]> {
    return this.statements.db.transaction(() => {
      this.sql('INSERT INTO contacts (id, account_id, name, email, unverified_email, attributes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(contact.id, contact.accountId, contact.name, contact.email, contact.unverifiedEmail ?? null, JSON.stringify(contact.attributes), contact.createdAt)
      const seq = this.feed.nextSeq(contact.accountId)
      return [this.feed.append(contact.accountId, contact.id, { seq, kind: 'contact', contact })]
    })()
  }

  async getContact(id: string): Promise<Contact | null> {
    const r = this.sql('SELECT * FROM contacts WHERE id = ?').get(id) as ContactColumns | undefined
    return r ? toContact(r) : null
  }

  async updateContact(contact: Contact): Promise<FeedEntry[]> {
    return this.statements.db.transaction(() => {
      this.sql('UPDATE contacts SET name = ?, attributes = ? WHERE id = ?').run(contact.name, JSON.stringify(contact.attributes), contact.id)
      const seq = this.feed.nextSeq(contact.accountId)
      return [this.feed.append(contact.accountId, contact.id, { seq, kind: 'contact', contact })]
    })()
  }

  async insertContactUnlessEmailTaken(contact: Contact & { email: string }): Promise<{ contact: Contact; entries: FeedEntry[] }> {
    return this.statements.db.transaction(() => {
      const taken = this.sql('SELECT * FROM contacts WHERE account_id = ? AND email = ? ORDER BY created_at LIMIT 1').get(contact.accountId, contact.email) as
        | ContactColumns
        | undefined
      if (taken) return { contact: toContact(taken), entries: [] }
      this.sql('INSERT INTO contacts (id, account_id, name, email, unverified_email, attributes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(contact.id, contact.accountId, contact.name, contact.email, contact.unverifiedEmail ?? null, JSON.stringify(contact.attributes), contact.createdAt)
      const seq = this.feed.nextSeq(contact.accountId)
      return { contact, entries: [this.feed.append(contact.accountId, contact.id, { seq, kind: 'contact', contact })] }
    })()
  }

  async findContactByEmail(accountId: string, email: string): Promise<Contact | null> {
    const r = this.sql('SELECT * FROM contacts WHERE account_id = ? AND email = ? ORDER BY created_at LIMIT 1')
      .get(accountId, email) as ContactColumns | undefined
    return r ? toContact(r) : null
  }
}
