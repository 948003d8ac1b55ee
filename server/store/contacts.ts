import type { Contact } from '../../shared/schemas/entities.ts'
import type { FeedEntry } from '../../shared/schemas/feed.ts'

// Customers. Every write appends a `contact` entry (superseding the contact's older ones) in the same
// transaction and returns it.

export interface ContactStore {
  insertContact(contact: Contact): Promise<FeedEntry[]>
  getContact(id: string): Promise<Contact | null>
  findContactByEmail(accountId: string, email: string): Promise<Contact | null>
  /** Replaces the contact's name and attributes; emits a contact entry. */
  updateContact(contact: Contact): Promise<FeedEntry[]>
}
