import type { WebSocket } from 'ws'
import type { FeedSocketMessage } from '../../shared/schemas/feed.ts'
import type { FeedBus } from '../services/feed-bus.ts'
import type { PresenceBoard } from './presence-board.ts'

/** Pushes the account's new feed entries and presence to one client. Clients send nothing here:
 *  catch-up after a gap is an HTTP pull from their cursor, so a lost push costs a round trip, never
 *  an entry. */
export function serveFeedSocket(ws: WebSocket, accountId: string, bus: FeedBus, presence: PresenceBoard): void {
  const send = (message: FeedSocketMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message))
  }
  const unsubscribe = bus.subscribe(accountId, send)
  send({ type: 'presence', snapshot: true, conversations: presence.snapshot(accountId) })
  ws.on('close', unsubscribe)
  ws.on('error', unsubscribe)
  ws.on('message', () => ws.close(4400, 'the feed socket takes no messages'))
}
