import { ReplyCollision, type PostMessageResult } from '../../shared/schemas/api.ts'
import { ApiError, api } from '../api/http.ts'
import type { InboxDatabase } from '../db/database.ts'
import type { OutboxItem } from '../db/records.ts'
import { uploadPending } from './uploads.ts'

/** A 4xx that retrying cannot fix; 401 (signed out), 408 and 429 are worth retrying later. */
const isRefusal = (status: number): boolean => status >= 400 && status < 500 && ![401, 408, 429].includes(status)

export type NewOutboxItem = Pick<OutboxItem, 'id' | 'conversationId' | 'kind' | 'body' | 'basedOnSeq' | 'authorAgentId' | 'mentions'>

/** Queues a reply or note on the device; it survives reloads until the server's acceptance is in the feed. */
export async function enqueue(db: InboxDatabase, item: NewOutboxItem, now: number): Promise<void> {
  await db.outbox.add({ ...item, createdAt: now, state: 'waiting', error: null, attempts: 0 })
}

/** Which items to send now: oldest first, and within a conversation never past one still waiting,
 *  sending or held, so a conversation's messages arrive in the order they were written. A refused
 *  (failed) item does not hold the others back: it needs the agent, and may never be sent. */
export function sendable(items: OutboxItem[]): OutboxItem[] {
  const blocked = new Set<string>()
  const ready: OutboxItem[] = []
  for (const item of [...items].sort((a, b) => a.createdAt - b.createdAt)) {
    if (item.state === 'sent' || item.state === 'failed') continue
    // A held reply waits for its author; what was written after it waits too, to keep the order.
    if (item.state === 'held') blocked.add(item.conversationId)
    if (blocked.has(item.conversationId)) continue
    blocked.add(item.conversationId)
    ready.push(item)
  }
  return ready
}

/**
 * Sends queued items. The id is the idempotency key, so a retry after a lost answer, a reload or a
 * reconnect can never store a reply twice (DESIGN §4 rule 5). Network failures leave items waiting;
 * a refusal marks the item failed with the server's reason, for the agent to retry or discard.
 */
export class OutboxSender {
  private running: Promise<void> | null = null
  private again = false

  constructor(private readonly db: InboxDatabase) {}

  /** Runs until nothing is sendable; a call while running schedules one more pass. */
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
      const ready = sendable(await this.db.outbox.toArray())
      if (ready.length === 0) return
      for (const item of ready) await this.send(item)
    }
  }

  private async send(item: OutboxItem): Promise<void> {
    await this.db.outbox.update(item.id, { state: 'sending', attempts: item.attempts + 1 })
    try {
      // Its files first, each uploaded once (the attachment id is kept); then the message names them.
      const attachmentIds = await uploadPending(this.db, item.id)
      await api<PostMessageResult>(`/api/conversations/${item.conversationId}/messages`, {
        body: {
          id: item.id,
          kind: item.kind,
          body: item.body,
          basedOnSeq: item.basedOnSeq,
          force: item.force ?? false,
          ...(attachmentIds.length > 0 ? { attachmentIds } : {}),
          ...(item.mentions?.length ? { mentions: item.mentions } : {}),
        },
      })
      // Kept as "sent" until its feed entry arrives and replaces it (see applyFeedEntries).
      await this.db.outbox.update(item.id, { state: 'sent', error: null })
    } catch (error) {
      const collision = error instanceof ApiError && error.status === 409 ? ReplyCollision.safeParse(error.body) : null
      if (collision?.success) {
        // DESIGN §4 rule 6: never sent silently; it waits for its author's "Send anyway" or "Edit".
        await this.db.outbox.update(item.id, { state: 'held', collisions: collision.data.messages, error: null })
        return
      }
      if (error instanceof ApiError && isRefusal(error.status)) {
        await this.db.outbox.update(item.id, { state: 'failed', error: error.message })
        return
      }
      // Unreachable server or a passing server error: wait for the next flush (reconnect, new item).
      await this.db.outbox.update(item.id, { state: 'waiting' })
      throw error
    }
  }

  /** The agent asked to try a failed item again. */
  async retry(id: string): Promise<void> {
    await this.db.outbox.update(id, { state: 'waiting', error: null })
    await this.flush()
  }

  /** "Send anyway" on a held reply: its author has seen what arrived meanwhile. */
  async sendAnyway(id: string): Promise<void> {
    await this.db.outbox.update(id, { state: 'waiting', force: true, collisions: [] })
    await this.flush()
  }
}
