import type { ConversationPresence } from '../../shared/presence.ts'
import type { FeedBus } from '../services/feed-bus.ts'
import type { DocRegistry } from './doc-registry.ts'
import type { LiveDoc } from './live-doc.ts'
import { presenceOf } from './presence.ts'

/** Tells the account's lists who is in which conversation: publishes a room's presence when its
 *  summary changes, and gives a new feed socket the current picture. */
export class PresenceBoard {
  private readonly last = new Map<string, string>()

  constructor(
    private readonly bus: FeedBus,
    private readonly docs: DocRegistry,
  ) {}

  onRoomChange(live: LiveDoc): void {
    const presence = presenceOf(live)
    const key = JSON.stringify(presence.agents)
    if ((this.last.get(live.conversationId) ?? '[]') === key) return
    if (presence.agents.length === 0) this.last.delete(live.conversationId)
    else this.last.set(live.conversationId, key)
    this.bus.publishPresence(live.accountId, presence)
  }

  snapshot(accountId: string): ConversationPresence[] {
    return [...this.docs.loadedOf(accountId)].map(presenceOf).filter((p) => p.agents.length > 0)
  }
}
