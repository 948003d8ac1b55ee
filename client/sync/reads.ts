import type { ReadMark } from '../../shared/schemas/notifications.ts'
import type { MarkReadResult } from '../../shared/schemas/read-marks.ts'
import { ApiError, api } from '../api/http.ts'
import type { InboxDatabase } from '../db/database.ts'
import { type ReadRecord, acknowledged, markedUnread, readUpTo, unreadFlag, withServerMark } from '../lib/unread.ts'

// The agent's read marks on the device (issue 12): written at once when a conversation is read,
// offline too, and sent by the leader tab; marks from the agent's other devices arrive by the feed.

/** Stores a mark and the conversation's unread flag together, so the list never shows one without the other. */
async function store(db: InboxDatabase, record: ReadRecord): Promise<void> {
  await db.reads.put(record)
  const row = await db.conversations.get(record.conversationId)
  const unread = row ? unreadFlag(row, record.seenSeq) : 0
  if (row && row.unread !== unread) await db.conversations.update(row.id, { unread })
}

/** The agent has read the conversation up to `seenSeq` (opened it, or it is open as messages arrive). */
export async function markRead(db: InboxDatabase, conversationId: string, seenSeq: number, now: number): Promise<void> {
  await db.transaction('rw', db.reads, db.conversations, async () => {
    const next = readUpTo(await db.reads.get(conversationId), conversationId, seenSeq, now)
    if (next) await store(db, next)
  })
}

/** "Mark as unread": its newest customer message counts as unread again, on every device of the agent. */
export async function markUnread(db: InboxDatabase, conversationId: string, now: number): Promise<void> {
  await db.transaction('rw', db.reads, db.conversations, async () => {
    const row = await db.conversations.get(conversationId)
    if (!row || row.lastCustomerMessageSeq === 0) return
    await store(db, markedUnread(await db.reads.get(conversationId), conversationId, row.lastCustomerMessageSeq, now))
  })
}

/** Marks from the feed; runs inside applyFeedEntries' transaction (which includes `reads`). */
export async function applyReadMarks(db: InboxDatabase, marks: ReadMark[]): Promise<void> {
  if (marks.length === 0) return
  // The feed holds one entry per conversation, but a page may still carry an older and a newer one.
  const latest = new Map(marks.map((m) => [m.conversationId, m]))
  const ids = [...latest.keys()]
  const existing = await db.reads.bulkGet(ids)
  for (const [i, id] of ids.entries()) await store(db, withServerMark(existing[i], latest.get(id)!))
}

/** A 4xx that retrying cannot fix (the conversation is not the agent's any more). */
const isRefusal = (status: number): boolean => status >= 400 && status < 500 && ![401, 408, 429].includes(status)

/** Sends the pending marks, one request per conversation whatever the number of reads behind it. */
export class ReadMarkSender {
  private running: Promise<void> | null = null
  private again = false

  constructor(private readonly db: InboxDatabase) {}

  /** Runs until nothing is pending; a call while running schedules one more pass. */
  flush(): Promise<void> {
    if (this.running) {
      this.again = true
      return this.running
    }
    this.running = (async () => {
      try {
        do {
          this.again = false
          for (const record of await this.db.reads.where('pending').equals(1).toArray()) await this.send(record)
        } while (this.again)
      } finally {
        this.running = null
      }
    })()
    return this.running
  }

  private async send(sent: ReadRecord): Promise<void> {
    let answer: ReadMark
    try {
      const body = sent.exact ? { seenSeq: sent.seenSeq, unread: true } : { seenSeq: sent.seenSeq }
      answer = (await api<MarkReadResult>(`/api/conversations/${sent.conversationId}/read`, { body })).read
    } catch (error) {
      if (error instanceof ApiError && isRefusal(error.status)) {
        // Nothing to retry: it stops being pending (unless read again since), the device keeps it.
        await this.db.transaction('rw', this.db.reads, async () => {
          if ((await this.db.reads.get(sent.conversationId))?.version === sent.version) await this.db.reads.update(sent.conversationId, { pending: 0 })
        })
        return
      }
      throw error
    }
    await this.db.transaction('rw', this.db.reads, this.db.conversations, async () => {
      const next = acknowledged(await this.db.reads.get(sent.conversationId), sent, answer)
      if (next) await store(this.db, next)
    })
  }
}
