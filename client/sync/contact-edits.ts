import type { ContactAttributesResult } from '../../shared/schemas/attributes.ts'
import type { Contact } from '../../shared/schemas/entities.ts'
import type { FeedEntry } from '../../shared/schemas/feed.ts'
import { mergeAttributes } from '../../shared/contact-attributes.ts'
import { ApiError, api } from '../api/http.ts'
import type { InboxDatabase } from '../db/database.ts'

// An agent's edits of contacts' custom attributes, kept on the device until the server has them
// (offline included). The contacts table stays the server's truth; what the Customer panel shows is
// that with the pending edits laid over it (overlay), so a refused edit simply goes away.

/** waiting: not yet accepted (offline, or not sent yet); sending: in flight; sent: accepted as feed
 *  entry `seq`, which has not arrived yet; failed: refused (the reason is kept for the agent). */
export type ContactEditState = 'waiting' | 'sending' | 'sent' | 'failed'

export interface ContactEditRecord {
  id: string
  contactId: string
  set: Contact['attributes']
  createdAt: number
  state: ContactEditState
  error: string | null
  seq?: number
}

/** A 4xx that retrying cannot fix; 401 (signed out), 408 and 429 are worth retrying later. */
const isRefusal = (status: number): boolean => status >= 400 && status < 500 && ![401, 408, 429].includes(status)

/** The contact as the agent should see it: the server's version with the edits not refused laid over
 *  it, oldest first (the agent's latest edit of a key wins on their device, as it will on the server). */
export function overlay(contact: Contact, edits: ContactEditRecord[]): Contact {
  const live = edits.filter((e) => e.contactId === contact.id && e.state !== 'failed').sort((a, b) => a.createdAt - b.createdAt)
  if (live.length === 0) return contact
  return { ...contact, attributes: live.reduce((attrs, e) => mergeAttributes(attrs, e.set), contact.attributes) }
}

/** The keys still waiting to reach the server. */
export const pendingKeys = (edits: ContactEditRecord[]): Set<string> =>
  new Set(edits.filter((e) => e.state === 'waiting' || e.state === 'sending').flatMap((e) => Object.keys(e.set)))

/** Queues an edit; the leader tab's sender picks it up (at once when online). */
export async function queueContactEdit(db: InboxDatabase, contactId: string, set: Contact['attributes'], now: number): Promise<void> {
  await db.contactEdits.add({ id: crypto.randomUUID(), contactId, set, createdAt: now, state: 'waiting', error: null })
}

/** Sent edits whose contact entry has now arrived are done. Runs inside applyFeedEntries' transaction. */
export async function settleContactEdits(db: InboxDatabase, entries: FeedEntry[]): Promise<void> {
  const arrived = new Map<string, number>()
  for (const e of entries) if (e.kind === 'contact') arrived.set(e.contact.id, e.seq)
  if (arrived.size === 0) return
  await db.contactEdits
    .where('contactId')
    .anyOf([...arrived.keys()])
    .filter((e) => e.state === 'sent' && (e.seq ?? 0) <= arrived.get(e.contactId)!)
    .delete()
}

/** Sends queued edits in the order they were made, one at a time. */
export class ContactEditSender {
  private running: Promise<void> | null = null
  private again = false

  constructor(private readonly db: InboxDatabase) {}

  flush(): Promise<void> {
    if (this.running) {
      this.again = true
      return this.running
    }
    this.running = (async () => {
      try {
        do {
          this.again = false
          await this.pass()
        } while (this.again)
      } finally {
        this.running = null
      }
    })()
    return this.running
  }

  private async pass(): Promise<void> {
    for (;;) {
      // `sending` too: a reload in mid-flight left it so; setting a value twice is harmless.
      const ready = (await this.db.contactEdits.toArray()).filter((e) => e.state === 'waiting' || e.state === 'sending')
      if (ready.length === 0) return
      for (const edit of ready.sort((a, b) => a.createdAt - b.createdAt)) await this.send(edit)
    }
  }

  private async send(edit: ContactEditRecord): Promise<void> {
    await this.db.contactEdits.update(edit.id, { state: 'sending' })
    try {
      const result = await api<ContactAttributesResult>(`/api/contacts/${edit.contactId}/attributes`, { method: 'PATCH', body: { set: edit.set } })
      // Kept (not shown as waiting) until its feed entry arrives: an older entry in flight must not
      // show the old value meanwhile.
      await this.db.contactEdits.update(edit.id, { state: 'sent', seq: result.seq, error: null })
    } catch (error) {
      if (error instanceof ApiError && isRefusal(error.status)) {
        await this.db.contactEdits.update(edit.id, { state: 'failed', error: error.body?.fields?.[0]?.message ?? error.message })
        return
      }
      await this.db.contactEdits.update(edit.id, { state: 'waiting' })
      throw error
    }
  }

  /** The agent gave up on a refused edit: the server's value shows again. */
  async discard(id: string): Promise<void> {
    await this.db.contactEdits.delete(id)
  }
}
