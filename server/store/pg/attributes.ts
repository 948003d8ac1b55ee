import type { AttributeDefinition } from '../../../shared/schemas/attributes.ts'
import type { Contact } from '../../../shared/schemas/entities.ts'
import type { FeedEntry } from '../../../shared/schemas/feed.ts'
import { mergeAttributes } from '../../../shared/contact-attributes.ts'
import type { AdminWrite } from '../admin.ts'
import type { AttributeStore } from '../attributes.ts'
import { type AttributeDefinitionColumns, type ContactColumns, toAttributeDefinition, toContact } from '../rows.ts'
import { appendFeed } from './feed-append.ts'
import type { PgDb, Sql } from './pg-db.ts'

/** The account's definitions, for the directory snapshot as well as for this store. */
export async function listAttributeDefinitions(sql: Sql, accountId: string): Promise<AttributeDefinition[]> {
  const rows = await sql.rows<AttributeDefinitionColumns>(
    'SELECT * FROM attribute_definitions WHERE account_id = $1 ORDER BY label COLLATE "C", key COLLATE "C"',
    [accountId],
  )
  return rows.map(toAttributeDefinition)
}

const isUniqueViolation = (error: unknown): boolean => (error as { code?: string }).code === '23505'

export class PgAttributeStore implements AttributeStore {
  constructor(
    private readonly db: PgDb,
    /** Appends the account's directory entry; called inside the writing transaction. */
    private readonly publishDirectory: (sql: Sql, accountId: string) => Promise<FeedEntry[]>,
  ) {}

  private async get(sql: Sql, accountId: string, id: string): Promise<AttributeDefinition | null> {
    const r = await sql.row<AttributeDefinitionColumns>('SELECT * FROM attribute_definitions WHERE id = $1 AND account_id = $2', [id, accountId])
    return r ? toAttributeDefinition(r) : null
  }

  list(accountId: string): Promise<AttributeDefinition[]> {
    return listAttributeDefinitions(this.db, accountId)
  }

  async insert(d: AttributeDefinition): Promise<AdminWrite<{ attribute: AttributeDefinition }, 'key_taken'>> {
    try {
      return await this.db.tx(async (sql) => {
        await sql.run('INSERT INTO attribute_definitions (id, account_id, key, label, type, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [
          d.id,
          d.accountId,
          d.key,
          d.label,
          d.type,
          d.createdAt,
        ])
        return { ok: true as const, attribute: (await this.get(sql, d.accountId, d.id))!, entries: await this.publishDirectory(sql, d.accountId) }
      })
    } catch (error) {
      if (isUniqueViolation(error)) return { ok: false, reason: 'key_taken' }
      throw error
    }
  }

  rename(accountId: string, id: string, label: string): Promise<AdminWrite<{ attribute: AttributeDefinition }, 'not_found'>> {
    return this.db.tx(async (sql) => {
      const changed = await sql.run('UPDATE attribute_definitions SET label = $1 WHERE id = $2 AND account_id = $3', [label, id, accountId])
      if (changed === 0) return { ok: false, reason: 'not_found' }
      return { ok: true, attribute: (await this.get(sql, accountId, id))!, entries: await this.publishDirectory(sql, accountId) }
    })
  }

  remove(accountId: string, id: string): Promise<AdminWrite<object, 'not_found'>> {
    return this.db.tx(async (sql) => {
      const changed = await sql.run('DELETE FROM attribute_definitions WHERE id = $1 AND account_id = $2', [id, accountId])
      if (changed === 0) return { ok: false, reason: 'not_found' }
      return { ok: true, entries: await this.publishDirectory(sql, accountId) }
    })
  }

  setContactAttributes(accountId: string, contactId: string, set: Contact['attributes']): Promise<{ contact: Contact; entries: FeedEntry[] } | null> {
    return this.db.tx(async (sql) => {
      // FOR UPDATE: two agents' edits of different keys of one contact run one after the other, each
      // merging into what the other wrote, so both survive.
      const r = await sql.row<ContactColumns>('SELECT * FROM contacts WHERE id = $1 AND account_id = $2 FOR UPDATE', [contactId, accountId])
      if (!r) return null
      const current = toContact(r)
      const contact = { ...current, attributes: mergeAttributes(current.attributes, set) }
      await sql.run('UPDATE contacts SET attributes = $1 WHERE id = $2', [JSON.stringify(contact.attributes), contactId])
      return { contact, entries: [await appendFeed(sql, accountId, contactId, (seq) => ({ seq, kind: 'contact', contact }))] }
    })
  }
}
