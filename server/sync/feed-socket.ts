import type { WebSocket } from 'ws'
import type { FeedPush } from '../../shared/schemas/feed.ts'
import type { FeedBus } from '../services/feed-bus.ts'

/** Pushes the account's new feed entries to one client. Clients send nothing here: catch-up after a
 *  gap is an HTTP pull from their cursor, so a lost push costs a round trip, never an entry. */
export function serveFeedSocket(ws: WebSocket, accountId: string, bus: FeedBus): void {
  const unsubscribe = bus.subscribe(accountId, (after, entries) => {
    if (ws.readyState !== ws.OPEN) return
    const push: FeedPush = { type: 'entries', after, entries }
    ws.send(JSON.stringify(push))
  })
  ws.on('close', unsubscribe)
  ws.on('error', unsubscribe)
  ws.on('message', () => ws.close(4400, 'the feed socket takes no messages'))
}
