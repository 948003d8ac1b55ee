import { onScopeDispose, ref, watch, type Ref } from 'vue'
import type { InboxDatabase } from '../db/database.ts'
import type { ConversationRecord } from '../db/records.ts'
import { markRead } from '../sync/reads.ts'

/**
 * The open conversation is read: up to its newest customer message when it opens, and again as new
 * ones arrive while it is on screen. A tab in the background reads nothing until it is looked at.
 * Written on the device at once (offline too); the sync engine sends it (client/sync/reads.ts).
 */
export function useMarkRead(db: InboxDatabase, conversation: Ref<ConversationRecord | null>): void {
  const shown = ref(document.visibilityState === 'visible')
  const onVisibility = () => (shown.value = document.visibilityState === 'visible')
  document.addEventListener('visibilitychange', onVisibility)
  onScopeDispose(() => document.removeEventListener('visibilitychange', onVisibility))
  // Separate sources, so that a change elsewhere in the row (its unread flag after "Mark as unread")
  // does not read it again.
  watch(
    [() => conversation.value?.id, () => conversation.value?.lastCustomerMessageSeq, shown],
    ([id, seq, visible]) => {
      if (id && seq && visible) void markRead(db, id, seq, Date.now())
    },
    { immediate: true },
  )
}
