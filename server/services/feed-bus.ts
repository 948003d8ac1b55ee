import type { FeedEntry, FeedSocketMessage } from '../../shared/schemas/feed.ts'
import type { ConversationPresence } from '../../shared/presence.ts'

export type FeedListener = (message: FeedSocketMessage) => void

/** The other server processes (server/cluster/): what is published here reaches their sockets too. */
export interface FeedBusRemote {
  publish(accountId: string, message: FeedSocketMessage): void
  /** A socket of the account subscribed here: the others tell it who is where in their rooms. */
  subscribed(accountId: string): void
}

/** Carries new feed entries and presence changes to the account's live sockets, on this process and,
 *  with REDIS_URL, on the others (DESIGN §6). A lost push costs a client a pull, never an entry. */
export class FeedBus {
  private readonly listeners = new Map<string, Set<FeedListener>>()
  private remote: FeedBusRemote | null = null

  connect(remote: FeedBusRemote): void {
    this.remote = remote
  }

  publish(accountId: string, entries: FeedEntry[]): void {
    const first = entries[0]
    if (!first) return
    this.emit(accountId, { type: 'entries', after: first.seq - 1, entries })
  }

  publishPresence(accountId: string, presence: ConversationPresence): void {
    this.emit(accountId, { type: 'presence', snapshot: false, conversations: [presence] })
  }

  private emit(accountId: string, message: FeedSocketMessage): void {
    this.deliver(accountId, message)
    this.remote?.publish(accountId, message)
  }

  /** To this process's sockets only (a message another process published). */
  deliver(accountId: string, message: FeedSocketMessage): void {
    for (const listener of this.listeners.get(accountId) ?? []) listener(message)
  }

  /** The accounts with a socket listening on this process. */
  listening(): string[] {
    return [...this.listeners.keys()]
  }

  subscribe(accountId: string, listener: FeedListener): () => void {
    let set = this.listeners.get(accountId)
    if (!set) {
      set = new Set()
      this.listeners.set(accountId, set)
    }
    set.add(listener)
    this.remote?.subscribed(accountId)
    return () => {
      set.delete(listener)
      if (set.size === 0) this.listeners.delete(accountId)
    }
  }
}
