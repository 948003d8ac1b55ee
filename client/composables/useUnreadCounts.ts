import type { Ref } from 'vue'
import type { Status } from '../../shared/conversation-doc.ts'
import { isSnoozeDue } from '../../shared/status-rules.ts'
import type { InboxDatabase } from '../db/database.ts'
import { STATUS_TABS, type ListQuery } from './useConversationList.ts'
import { useLiveQuery } from './useLiveQuery.ts'

/** The unread rows of a filter and status, straight from the [status+unread] indexes: only unread
 *  rows are read (an inbox is a filter over them), never the whole account's. */
function unreadRows(db: InboxDatabase, q: Pick<ListQuery, 'filter' | 'me' | 'inbox'>, status: Status) {
  const rows =
    q.filter === 'all'
      ? db.conversations.where('[status+unread]').equals([status, 1])
      : db.conversations.where('[assignee+status+unread]').equals([q.filter === 'mine' ? q.me : '', status, 1])
  return q.inbox ? rows.filter((r) => r.inboxId === q.inbox) : rows
}

/** Unread conversations under a status tab, counted as the list shows them: due snoozes under Open. */
export async function countUnread(db: InboxDatabase, q: ListQuery): Promise<number> {
  if (q.status === 'snoozed') return unreadRows(db, q, 'snoozed').filter((r) => !isSnoozeDue(r, q.now)).count()
  const n = await unreadRows(db, q, q.status).count()
  if (q.status !== 'open') return n
  return n + (await unreadRows(db, q, 'snoozed').filter((r) => isSnoozeDue(r, q.now)).count())
}

/** Unread counts of every status tab, for the current filter and inbox. */
export function useUnreadCounts(db: InboxDatabase, query: Ref<ListQuery>, initial?: Record<Status, number>) {
  return useLiveQuery(
    async () => {
      const counts = await Promise.all(STATUS_TABS.map((status) => countUnread(db, { ...query.value, status })))
      return Object.fromEntries(STATUS_TABS.map((s, i) => [s, counts[i] ?? 0])) as Record<Status, number>
    },
    [query],
    initial ?? ({ open: 0, pending: 0, snoozed: 0, resolved: 0 } as Record<Status, number>),
  )
}
