import { computed, type Ref } from 'vue'
import type { Contact } from '../../shared/schemas/entities.ts'
import type { InboxDatabase } from '../db/database.ts'
import type { ContactRecord } from '../db/records.ts'
import { type ContactEditRecord, overlay, pendingKeys, queueContactEdit } from '../sync/contact-edits.ts'
import { useLiveQuery } from './useLiveQuery.ts'

/** A contact's attributes as the agent sees them (their own pending edits laid over the server's
 *  values), which keys still wait to sync, refused edits, and `set` to queue a change (offline too). */
export function useContactAttributes(db: InboxDatabase, contact: Ref<ContactRecord>) {
  const id = computed(() => contact.value.id)
  const edits = useLiveQuery<ContactEditRecord[]>(() => db.contactEdits.where('contactId').equals(id.value).toArray(), [id], [])
  const shown = computed(() => overlay(contact.value, edits.data.value).attributes)
  const waiting = computed(() => pendingKeys(edits.data.value))
  const refused = computed(() => edits.data.value.filter((e) => e.state === 'failed'))

  const set = (key: string, value: Contact['attributes'][string]) => queueContactEdit(db, id.value, { [key]: value }, Date.now())
  const discard = (editId: string) => db.contactEdits.delete(editId)

  return { shown, waiting, refused, set, discard }
}
