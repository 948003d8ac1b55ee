import type { FeedEntry, FeedSocketMessage } from '../../shared/schemas/feed.ts'
import type { ConversationPresence } from '../../shared/presence.ts'

export type FeedListener = (message: FeedSocketMessage) => void

/** Carries new feed entries and presence changes to the account's live sockets. In-process today;
 *  with REDIS_URL the same interface will fan out between server processes (DESIGN §6). */
export class FeedBus {
  private readonly listeners = new Map<string, Set<FeedListener>>()

  publish(accountId: string, entries: FeedEntry[]): void {
    const first = entries[0]
    if (!first) return
    this.emit(accountId, { type: 'entries', after: first.seq - 1, entries })
  }

  publishPresence(accountId: string, presence: ConversationPresence): void {
    this.emit(accountId, { type: 'presence', snapshot: false, conversations: [presence] })
  }

  private emit(accountId: string, message: FeedSocketMessage): void {
    for (const listener of this.listeners.get(accountId) ?? []) listener(message)
  }

  subscribe(accountId: string, listener: FeedListener): () => void {
    let set = this.listeners.get(accountId)
    if (!set) {
      set = new Set()
      this.listeners.set(accountId, set)
    }
    set.add(listener)
    return () => {
      set.delete(listener)
      if (set.size === 0) this.listeners.delete(accountId)
    }
  }
}
