import type { Contact } from '../../shared/schemas/entities.ts'
import type { FeedEntry } from '../../shared/schemas/feed.ts'

// Website visitors (widget sessions). A row costs no contact and no feed entry: the contact is made
// with the visitor's first message. Its id is what the signed visitor token names, so one visitor can
// be revoked without touching anyone else's token.

export interface VisitorRecord {
  id: string
  accountId: string
  inboxId: string
  /** Set by the first message; null for a visitor who has not written yet. */
  contactId: string | null
  /** What the visitor gave at the start (or "Visitor XXXX"); the contact takes them on. */
  name: string
  /** Typed, never verified: becomes the contact's unverifiedEmail, never its email. */
  email: string | null
  createdAt: number
  revokedAt: number | null
}

export interface VisitorStore {
  insert(visitor: VisitorRecord): Promise<void>
  get(id: string): Promise<VisitorRecord | null>
  /**
   * The visitor's contact: the one it already has, or `contact` inserted (with its feed entry) and
   * linked to the visitor in one transaction, so a crash never leaves a contact without its visitor.
   */
  contactFor(visitorId: string, contact: Contact): Promise<{ contact: Contact; entries: FeedEntry[] }>
  /** Revokes the live visitors of a contact of the account; returns the ids revoked now. null: the
   *  contact is not the account's, or no visitor ever had it. */
  revokeOfContact(accountId: string, contactId: string, now: number): Promise<string[] | null>
}
