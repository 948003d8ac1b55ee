import type { Contact } from '../../shared/schemas/entities.ts'
import type { FeedEntry } from '../../shared/schemas/feed.ts'

// Customers. Every write appends a `contact` entry (superseding the contact's older ones) in the same
// transaction and returns it.

export interface ContactStore {
  insertContact(contact: Contact): Promise<FeedEntry[]>
  getContact(id: string): Promise<Contact | null>
  findContactByEmail(accountId: string, email: string): Promise<Contact | null>
  /** Inserts the contact unless the account already has one with its email (then that one, and no
   *  entries): the check and the insert are one step, so two channels' first messages from one
   *  address at once make one contact. */
  insertContactUnlessEmailTaken(contact: Contact & { email: string }): Promise<{ contact: Contact; entries: FeedEntry[] }>
  /** Replaces the contact's name and attributes; emits a contact entry. */
  updateContact(contact: Contact): Promise<FeedEntry[]>
}
