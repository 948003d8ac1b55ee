import type { FeedEntry } from './schemas/feed.ts'

/** The one agent an entry is for, or null when every agent of the account reads it. Per-agent
 *  entries (an agent's notifications, their read marks) ride the account's feed so they keep its
 *  ordering and catch-up, but the server reads and pushes them to that agent alone. */
export function audienceOf(entry: FeedEntry): string | null {
  switch (entry.kind) {
    case 'notification':
      return entry.notification.agentId
    case 'read':
      return entry.read.agentId
    default:
      return null
  }
}
