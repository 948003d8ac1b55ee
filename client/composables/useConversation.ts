import Dexie from 'dexie'
import type { Ref } from 'vue'
import type { InboxDatabase } from '../db/database.ts'
import type { ContactRecord, ConversationRecord, MessageRecord, OutboxItem } from '../db/records.ts'
import { useLiveQuery } from './useLiveQuery.ts'

export function useConversation(db: InboxDatabase, id: Ref<string>) {
  return useLiveQuery(async () => (await db.conversations.get(id.value)) ?? null, [id], null as ConversationRecord | null)
}

export interface Timeline {
  messages: MessageRecord[]
  /** Replies and notes written on this device and not yet in the feed, oldest first. */
  queued: OutboxItem[]
}

/** Messages and queued items read in one transaction: when a queued reply's message arrives, the
 *  two change together, so the reply never shows twice, nor not at all, for a moment. */
export function useTimeline(db: InboxDatabase, id: Ref<string>) {
  return useLiveQuery(
    () =>
      db.transaction('r', db.messages, db.outbox, async (): Promise<Timeline> => {
        const [messages, queued] = await Promise.all([
          db.messages.where('[conversationId+seq]').between([id.value, Dexie.minKey], [id.value, Dexie.maxKey]).toArray(),
          db.outbox.where('conversationId').equals(id.value).toArray(),
        ])
        return { messages, queued: queued.sort((a, b) => a.createdAt - b.createdAt) }
      }),
    [id],
    { messages: [], queued: [] } as Timeline,
  )
}

export function useContact(db: InboxDatabase, contactId: Ref<string | null>) {
  return useLiveQuery(
    async () => (contactId.value ? ((await db.contacts.get(contactId.value)) ?? null) : null),
    [contactId],
    null as ContactRecord | null,
  )
}

/** The contact's other conversations, newest first. */
export function usePreviousConversations(db: InboxDatabase, contactId: Ref<string | null>, currentId: Ref<string>) {
  return useLiveQuery(
    async () => {
      if (!contactId.value) return []
      const rows = await db.conversations.where('contactId').equals(contactId.value).toArray()
      return rows.filter((r) => r.id !== currentId.value).sort((a, b) => b.createdAt - a.createdAt)
    },
    [contactId, currentId],
    [] as ConversationRecord[],
  )
}
