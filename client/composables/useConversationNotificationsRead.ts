import { liveQuery } from 'dexie'
import { onScopeDispose, watch, type Ref } from 'vue'
import type { InboxDatabase } from '../db/database.ts'
import { markNotificationsRead } from '../sync/notifications.ts'

/**
 * While a conversation is open, its notifications are read: those there when it opens, and any that
 * arrive while the agent is looking at it (a mention made as they read). On the device at once,
 * offline too; the leader tab tells the server.
 */
export function useConversationNotificationsRead(db: InboxDatabase, conversationId: Ref<string>): void {
  let subscription: { unsubscribe(): void } | null = null
  watch(
    conversationId,
    (id) => {
      subscription?.unsubscribe()
      subscription = liveQuery(() =>
        db.notifications
          .where('conversationId')
          .equals(id)
          .filter((n) => n.readAt === null)
          .primaryKeys(),
      ).subscribe((ids) => {
        if (ids.length > 0) void markNotificationsRead(db, ids, Date.now())
      })
    },
    { immediate: true },
  )
  onScopeDispose(() => subscription?.unsubscribe())
}
