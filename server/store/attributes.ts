import type { AttributeDefinition } from '../../shared/schemas/attributes.ts'
import type { Contact } from '../../shared/schemas/entities.ts'
import type { FeedEntry } from '../../shared/schemas/feed.ts'
import type { AdminWrite } from './admin.ts'

// Contact custom attributes: the definitions of each account (every change republishes the account's
// `directory` entry, which carries them, in the same transaction) and the values on a contact (every
// change is a `contact` entry superseding the contact's older ones).

export interface AttributeStore {
  /** The account's definitions, by label. */
  list(accountId: string): Promise<AttributeDefinition[]>
  insert(definition: AttributeDefinition): Promise<AdminWrite<{ attribute: AttributeDefinition }, 'key_taken'>>
  rename(accountId: string, id: string, label: string): Promise<AdminWrite<{ attribute: AttributeDefinition }, 'not_found'>>
  /** The definition only: contacts keep their values under its key. */
  remove(accountId: string, id: string): Promise<AdminWrite<object, 'not_found'>>
  /** Merges `set` into the contact's attributes per key (null removes a key), reading and writing in
   *  one transaction so a concurrent edit of another key is never lost; null when the contact is not
   *  the account's. */
  setContactAttributes(accountId: string, contactId: string, set: Contact['attributes']): Promise<{ contact: Contact; entries: FeedEntry[] } | null>
}
