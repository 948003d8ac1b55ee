import type { Contact } from '../../shared/schemas/entities.ts'
import type { AppContext } from '../app-context.ts'
import { buildPeople } from './people.ts'
import type { Rng } from './random.ts'

const DAY = 24 * 3600 * 1000

/** Inserts `count` demo customers. They are created before the conversation window (the last 30
 *  days), so no conversation predates its contact. */
export async function seedContacts(ctx: AppContext, accountId: string, options: { count: number; rng: Rng }): Promise<Contact[]> {
  const now = ctx.clock.now()
  const contacts: Contact[] = []
  for (const person of buildPeople(options.count, now, options.rng)) {
    const contact: Contact = {
      id: ctx.clock.id(),
      accountId,
      ...person,
      createdAt: now - Math.round(options.rng.between(31, 90) * DAY),
    }
    // No client is connected while seeding, so the feed entries are not pushed; the store keeps them.
    await ctx.store.contacts.insertContact(contact)
    contacts.push(contact)
  }
  return contacts
}
