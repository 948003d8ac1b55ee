import Dexie from 'dexie'
import type { Ref } from 'vue'
import type { Priority, Status } from '../../shared/conversation-doc.ts'
import type { InboxDatabase } from '../db/database.ts'
import type { ConversationRecord } from '../db/records.ts'
import { useLiveQuery } from './useLiveQuery.ts'
import { PRIORITY_ORDER, compareRows, type ListSort } from '../lib/conversation-sort.ts'

export type ListFilter = 'mine' | 'unassigned' | 'all'
export const STATUS_TABS: Status[] = ['open', 'pending', 'snoozed', 'resolved']

export interface ListQuery {
  filter: ListFilter
  status: Status
  me: string
  now: number
  /** Only this inbox's conversations (absent: every inbox). */
  inbox?: string | null
  /** The order (absent: newest activity first). */
  sort?: ListSort
}

/** The index range for a filter and status, newest activity first. An inbox is a filter over it
 *  rather than an index of its own: a team has a few inboxes, so most rows of a range match. */
function range(db: InboxDatabase, q: Pick<ListQuery, 'filter' | 'status' | 'me' | 'inbox'>) {
  const assignee = q.filter === 'mine' ? q.me : ''
  const rows =
    q.filter === 'all'
      ? db.conversations.where('[status+lastActivityAt]').between([q.status, Dexie.minKey], [q.status, Dexie.maxKey])
      : db.conversations.where('[assignee+status+lastActivityAt]').between([assignee, q.status, Dexie.minKey], [assignee, q.status, Dexie.maxKey])
  return q.inbox ? rows.filter((r) => inInbox(r, q)) : rows
}

/** One priority's slice of a filter and status, newest activity first once reversed. */
function priorityRange(db: InboxDatabase, q: Pick<ListQuery, 'filter' | 'status' | 'me' | 'inbox'>, priority: Priority) {
  const assignee = q.filter === 'mine' ? q.me : ''
  const rows =
    q.filter === 'all'
      ? db.conversations
          .where('[status+priority+lastActivityAt]')
          .between([q.status, priority, Dexie.minKey], [q.status, priority, Dexie.maxKey])
      : db.conversations
          .where('[assignee+status+priority+lastActivityAt]')
          .between([assignee, q.status, priority, Dexie.minKey], [assignee, q.status, priority, Dexie.maxKey])
  return q.inbox ? rows.filter((r) => inInbox(r, q)) : rows
}

/** Under "Oldest waiting first": the waiting ones (oldest customer message first, read forwards), or
 *  the others (newest activity first once reversed). */
function waitingRange(db: InboxDatabase, q: Pick<ListQuery, 'filter' | 'status' | 'me' | 'inbox'>, waiting: boolean) {
  const assignee = q.filter === 'mine' ? q.me : ''
  const [from, to] = waiting ? [[1], [Dexie.maxKey]] : [[0, Dexie.minKey], [0, Dexie.maxKey]]
  const rows =
    q.filter === 'all'
      ? db.conversations.where('[status+waitingSeq+lastActivityAt]').between([q.status, ...from], [q.status, ...to])
      : db.conversations.where('[assignee+status+waitingSeq+lastActivityAt]').between([assignee, q.status, ...from], [assignee, q.status, ...to])
  return q.inbox ? rows.filter((r) => inInbox(r, q)) : rows
}

const inInbox = (row: ConversationRecord, q: Pick<ListQuery, 'inbox'>): boolean => !q.inbox || row.inboxId === q.inbox

const matchesFilter = (row: ConversationRecord, q: ListQuery): boolean =>
  (q.filter === 'all' || row.assignee === (q.filter === 'mine' ? q.me : '')) && inInbox(row, q)

/** Snoozes whose time has come show under Open on every device, even before the server wakes them. */
async function dueSnoozes(db: InboxDatabase, q: ListQuery): Promise<ConversationRecord[]> {
  const rows = await db.conversations.where('[status+snoozedUntil]').between(['snoozed', 0], ['snoozed', q.now], true, true).toArray()
  return rows.filter((r) => matchesFilter(r, q))
}

/** Under Snoozed, only the snoozes whose time has not come (due ones show under Open). */
// Only filtered when needed: a plain index range lets Dexie read just the first `limit` keys.
function notDue<C extends ReturnType<typeof range>>(rows: C, q: ListQuery): C {
  return q.status === 'snoozed' ? (rows.filter((r) => r.snoozedUntil === null || r.snoozedUntil > q.now) as C) : rows
}

/**
 * The first `limit` rows of a filter and status in the chosen order, each read through an index so
 * that only those rows are read: Priority one priority at a time, Urgent first; Oldest waiting first
 * the waiting ones, then the others (waitingSeq is stored on the row for this).
 */
async function sortedRows(db: InboxDatabase, q: ListQuery, limit: number, sort: ListSort): Promise<ConversationRecord[]> {
  if (sort === 'waiting') {
    const waiting = await notDue(waitingRange(db, q, true), q).limit(limit).toArray()
    if (waiting.length >= limit) return waiting
    return [...waiting, ...(await notDue(waitingRange(db, q, false).reverse(), q).limit(limit - waiting.length).toArray())]
  }
  if (sort === 'newest') return notDue(range(db, q).reverse(), q).limit(limit).toArray()
  const rows: ConversationRecord[] = []
  for (const priority of PRIORITY_ORDER) {
    if (rows.length >= limit) break
    rows.push(...(await notDue(priorityRange(db, q, priority).reverse(), q).limit(limit - rows.length).toArray()))
  }
  return rows
}

export async function listConversations(db: InboxDatabase, q: ListQuery, limit: number): Promise<ConversationRecord[]> {
  const sort = q.sort ?? 'newest'
  const rows = await sortedRows(db, q, limit, sort)
  if (q.status !== 'open') return rows
  const due = await dueSnoozes(db, q)
  if (due.length === 0) return rows
  return [...rows, ...due].sort(compareRows[sort]).slice(0, limit)
}

export async function countConversations(db: InboxDatabase, q: ListQuery): Promise<number> {
  if (q.status === 'snoozed') return range(db, q).filter((r) => r.snoozedUntil === null || r.snoozedUntil > q.now).count()
  const n = await range(db, q).count()
  return q.status === 'open' ? n + (await dueSnoozes(db, q)).length : n
}

export interface ListRow {
  row: ConversationRecord
  contactName: string
}

/** The list's rows with their contacts' names, read together so a row never renders half-known.
 *  `initial`: what to show until the first answer (the device's last view of this list). */
export function useConversationList(db: InboxDatabase, query: Ref<ListQuery>, limit: Ref<number>, initial: ListRow[] = []) {
  return useLiveQuery(
    async (): Promise<ListRow[]> => {
      const rows = await listConversations(db, query.value, limit.value)
      const contacts = await db.contacts.bulkGet(rows.map((r) => r.contactId))
      return rows.map((row, i) => ({ row, contactName: contacts[i]?.name ?? 'Unknown contact' }))
    },
    [query, limit],
    initial,
  )
}

export function useStatusCounts(db: InboxDatabase, query: Ref<ListQuery>, initial?: Record<Status, number>) {
  return useLiveQuery(
    async () => {
      const counts = await Promise.all(STATUS_TABS.map((status) => countConversations(db, { ...query.value, status })))
      return Object.fromEntries(STATUS_TABS.map((s, i) => [s, counts[i] ?? 0])) as Record<Status, number>
    },
    [query],
    initial ?? ({ open: 0, pending: 0, snoozed: 0, resolved: 0 } as Record<Status, number>),
  )
}
