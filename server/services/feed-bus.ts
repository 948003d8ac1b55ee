import type { FeedEntry } from '../../shared/schemas/feed.ts'

export type FeedListener = (after: number, entries: FeedEntry[]) => void

/** Carries new feed entries to the account's live sockets. In-process today; with REDIS_URL the same
 *  interface will fan out between server processes (DESIGN §6). */
export class FeedBus {
  private readonly listeners = new Map<string, Set<FeedListener>>()

  publish(accountId: string, entries: FeedEntry[]): void {
    const first = entries[0]
    if (!first) return
    for (const listener of this.listeners.get(accountId) ?? []) listener(first.seq - 1, entries)
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
