import type { WebSocket } from 'ws'
import type { FeedSocketMessage } from '../../shared/schemas/feed.ts'
import { audienceOf } from '../../shared/feed-audience.ts'
import type { FeedBus } from '../services/feed-bus.ts'
import type { PresenceBoard } from './presence-board.ts'

/** Pushes the account's new feed entries and presence to one client. Clients send nothing here:
 *  catch-up after a gap is an HTTP pull from their cursor, so a lost push costs a round trip, never
 *  an entry. */
export function serveFeedSocket(
  ws: WebSocket,
  agent: { id: string; accountId: string },
  bus: FeedBus,
  presence: PresenceBoard,
): void {
  const send = (message: FeedSocketMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(forAgent(message, agent.id)))
  }
  const unsubscribe = bus.subscribe(agent.accountId, send)
  send({ type: 'presence', snapshot: true, conversations: presence.snapshot(agent.accountId) })
  ws.on('close', unsubscribe)
  ws.on('error', unsubscribe)
  ws.on('message', () => ws.close(4400, 'the feed socket takes no messages'))
}

/** Leaves out entries meant for another agent alone; `upTo` still moves the client's cursor past them. */
function forAgent(message: FeedSocketMessage, agentId: string): FeedSocketMessage {
  if (message.type !== 'entries') return message
  const entries = message.entries.filter((e) => {
    const audience = audienceOf(e)
    return audience === null || audience === agentId
  })
  if (entries.length === message.entries.length) return message
  return { ...message, entries, upTo: message.entries.at(-1)?.seq ?? message.after }
}
