import type { Contact } from '../../shared/schemas/entities.ts'
import type { Store } from '../store/types.ts'
import type { Clock } from './clock.ts'
import type { Publish } from './publisher.ts'

export interface ContactInput {
  email?: string | undefined
  name?: string | undefined
  attributes?: Contact['attributes'] | undefined
}

export class ContactService {
  constructor(
    private readonly store: Store,
    private readonly publish: Publish,
    private readonly clock: Clock,
  ) {}

  /** The contact with this email in the account, or a new one. Without an email, always a new one. */
  async findOrCreate(accountId: string, input: ContactInput): Promise<Contact> {
    const email = input.email?.trim().toLowerCase()
    if (email) {
      const existing = await this.store.contacts.findContactByEmail(accountId, email)
      if (existing) return existing
    }
    const contact = this.newContact(accountId, input, email)
    if (email) {
      // Another channel (or process) may be making this address's contact right now: the store
      // inserts only if it is still missing, as one step.
      const { contact: stored, entries } = await this.store.contacts.insertContactUnlessEmailTaken({ ...contact, email })
      this.publish(accountId, entries)
      return stored
    }
    this.publish(accountId, await this.store.contacts.insertContact(contact))
    return contact
  }

  private newContact(accountId: string, input: ContactInput, email: string | undefined): Contact {
    return {
      id: this.clock.id(),
      accountId,
      name: input.name ?? email?.split('@')[0] ?? 'Visitor',
      email: email ?? null,
      attributes: input.attributes ?? {},
      createdAt: this.clock.now(),
    }
  }
}
