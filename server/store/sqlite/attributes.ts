import type Database from 'better-sqlite3'
import type { AttributeDefinition } from '../../../shared/schemas/attributes.ts'
import type { Contact } from '../../../shared/schemas/entities.ts'
import type { FeedEntry } from '../../../shared/schemas/feed.ts'
import { mergeAttributes } from '../../../shared/contact-attributes.ts'
import type { AdminWrite } from '../admin.ts'
import type { AttributeStore } from '../attributes.ts'
import type { AppendFeed } from './feed-append.ts'
import { type AttributeDefinitionColumns, type ContactColumns, toAttributeDefinition, toContact } from '../rows.ts'

/** The account's definitions, for the directory snapshot (admin.ts) as well as for this store. */
export function listAttributeDefinitions(db: Database.Database, accountId: string): AttributeDefinition[] {
  const rows = db.prepare('SELECT * FROM attribute_definitions WHERE account_id = ? ORDER BY label, key').all(accountId) as AttributeDefinitionColumns[]
  return rows.map(toAttributeDefinition)
}

const isUniqueError = (error: unknown): boolean => (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE'

export class SqliteAttributeStore implements AttributeStore {
  constructor(
    private readonly db: Database.Database,
    private readonly appendFeed: AppendFeed,
    /** Appends the account's directory entry; called inside the writing transaction. */
    private readonly publishDirectory: (accountId: string) => FeedEntry[],
  ) {}

  private run<T>(change: () => T): T {
    return this.db.transaction(change).immediate()
  }

  private get(accountId: string, id: string): AttributeDefinition | null {
    const r = this.db.prepare('SELECT * FROM attribute_definitions WHERE id = ? AND account_id = ?').get(id, accountId) as AttributeDefinitionColumns | undefined
    return r ? toAttributeDefinition(r) : null
  }

  async list(accountId: string): Promise<AttributeDefinition[]> {
    return listAttributeDefinitions(this.db, accountId)
  }

  async insert(d: AttributeDefinition) {
    return this.run((): AdminWrite<{ attribute: AttributeDefinition }, 'key_taken'> => {
      try {
        this.db
          .prepare('INSERT INTO attribute_definitions (id, account_id, key, label, type, created_at) VALUES (?, ?, ?, ?, ?, ?)')
          .run(d.id, d.accountId, d.key, d.label, d.type, d.createdAt)
      } catch (error) {
        if (isUniqueError(error)) return { ok: false, reason: 'key_taken' }
        throw error
      }
      return { ok: true, attribute: this.get(d.accountId, d.id)!, entries: this.publishDirectory(d.accountId) }
    })
  }

  async rename(accountId: string, id: string, label: string) {
    return this.run((): AdminWrite<{ attribute: AttributeDefinition }, 'not_found'> => {
      const changed = this.db.prepare('UPDATE attribute_definitions SET label = ? WHERE id = ? AND account_id = ?').run(label, id, accountId)
      if (changed.changes === 0) return { ok: false, reason: 'not_found' }
      return { ok: true, attribute: this.get(accountId, id)!, entries: this.publishDirectory(accountId) }
    })
  }

  async remove(accountId: string, id: string) {
    return this.run((): AdminWrite<object, 'not_found'> => {
      const changed = this.db.prepare('DELETE FROM attribute_definitions WHERE id = ? AND account_id = ?').run(id, accountId)
      if (changed.changes === 0) return { ok: false, reason: 'not_found' }
      return { ok: true, entries: this.publishDirectory(accountId) }
    })
  }

  async setContactAttributes(accountId: string, contactId: string, set: Contact['attributes']) {
    return this.run((): { contact: Contact; entries: FeedEntry[] } | null => {
      const r = this.db.prepare('SELECT * FROM contacts WHERE id = ? AND account_id = ?').get(contactId, accountId) as ContactColumns | undefined
      if (!r) return null
      const current = toContact(r)
      const contact = { ...current, attributes: mergeAttributes(current.attributes, set) }
      this.db.prepare('UPDATE contacts SET attributes = ? WHERE id = ?').run(JSON.stringify(contact.attributes), contactId)
      return { contact, entries: [this.appendFeed(accountId, contactId, (seq) => ({ seq, kind: 'contact', contact }))] }
    })
  }
}
