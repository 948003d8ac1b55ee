import { z } from 'zod'
import type { Priority } from '../../shared/conversation-doc.ts'
import type { ConversationRecord } from '../db/records.ts'
import type { ConversationRow } from '../../shared/schemas/conversation.ts'

/** The list's orders. `newest`: newest activity first (the default). `waiting`: conversations whose
 *  customer waits for an answer first, the one waiting longest at the top. `priority`: Urgent first,
 *  newest activity first within a priority. */
export const ListSort = z.enum(['newest', 'waiting', 'priority'])
export type ListSort = z.infer<typeof ListSort>

export const sortLabel: Record<ListSort, string> = {
  newest: 'Newest activity',
  waiting: 'Oldest waiting first',
  priority: 'Priority',
}

/** Most urgent first: the order the priority sort walks the index in. */
export const PRIORITY_ORDER: Priority[] = ['urgent', 'high', 'medium', 'low', 'none']
const rank = (p: Priority): number => PRIORITY_ORDER.indexOf(p)

/**
 * A customer waits when the newest message they can see is their own: nobody has replied since
 * (internal notes do not count, the customer never sees them). Seqs are the account's feed order,
 * so a lower lastCustomerMessageSeq means the customer wrote earlier and has waited longer. The row
 * carries no timestamp of that message (lastActivityAt moves with notes too), hence the seq.
 */
export const isWaiting = (row: Pick<ConversationRow, 'lastCustomerMessageSeq' | 'lastVisibleSeq'>): boolean =>
  row.lastCustomerMessageSeq > 0 && row.lastCustomerMessageSeq >= row.lastVisibleSeq

/** The stored, indexed form of it: the customer's message seq while they wait, 0 otherwise. */
export const waitingSeqOf = (row: Pick<ConversationRow, 'lastCustomerMessageSeq' | 'lastVisibleSeq'>): number =>
  isWaiting(row) ? row.lastCustomerMessageSeq : 0

// Ties as the index walked in reverse gives them: higher id first.
const newest = (a: ConversationRecord, b: ConversationRecord): number => b.lastActivityAt - a.lastActivityAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)

export const compareRows: Record<ListSort, (a: ConversationRecord, b: ConversationRecord) => number> = {
  newest,
  waiting: (a, b) => {
    const wa = isWaiting(a)
    const wb = isWaiting(b)
    if (wa !== wb) return wa ? -1 : 1
    // Ties between waiting ones (not met in practice: one seq is one message) as the index gives them.
    if (wa) return a.lastCustomerMessageSeq - b.lastCustomerMessageSeq || a.lastActivityAt - b.lastActivityAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
    return newest(a, b)
  },
  priority: (a, b) => rank(a.priority) - rank(b.priority) || newest(a, b),
}
