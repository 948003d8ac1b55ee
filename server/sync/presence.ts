import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { type ConversationPresence, PresenceState, agentColor, summarisePresence } from '../../shared/presence.ts'
import type { LiveDoc } from './live-doc.ts'

/** How many awareness clients (tabs) one socket may speak for. */
const MAX_CLIENTS_PER_SOCKET = 4

export class InvalidPresenceError extends Error {}

/**
 * Checks an awareness update from an agent's socket and rewrites it with the agent's real name and
 * colour: a socket speaks only for its own agent, so presence can be neither spoofed nor used to carry
 * anything else. y-websocket clients echo every awareness change they receive, so entries about other
 * sockets' clients, or about another agent, are dropped rather than treated as an attack. Returns null
 * when nothing is left; throws on bytes that are not an awareness update.
 */
export function sanitizeAwarenessUpdate(
  update: Uint8Array,
  agent: { id: string; name: string },
  own: ReadonlySet<number>,
  isForeign: (client: number) => boolean,
): Uint8Array | null {
  const decoder = decoding.createDecoder(update)
  const count = decoding.readVarUint(decoder)
  const kept: { client: number; clock: number; state: PresenceState | Record<string, never> | null }[] = []
  const clients = new Set(own)
  for (let i = 0; i < count; i++) {
    const client = decoding.readVarUint(decoder)
    const clock = decoding.readVarUint(decoder)
    const raw: unknown = JSON.parse(decoding.readVarString(decoder))
    if (isForeign(client)) continue
    // null: the client left; {}: a client that has not announced itself yet (a fresh Awareness).
    let state: PresenceState | Record<string, never> | null = null
    if (isEmptyObject(raw)) state = {}
    else if (raw !== null) {
      const parsed = PresenceState.safeParse(raw)
      if (!parsed.success) throw new InvalidPresenceError('not a presence state')
      if (parsed.data.user.id !== agent.id) continue
      state = { ...parsed.data, user: { id: agent.id, name: agent.name, color: agentColor(agent.id) } }
    }
    clients.add(client)
    if (clients.size > MAX_CLIENTS_PER_SOCKET) throw new InvalidPresenceError('too many presence clients')
    kept.push({ client, clock, state })
  }
  if (decoding.hasContent(decoder)) throw new InvalidPresenceError('trailing bytes')
  if (kept.length === 0) return null
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, kept.length)
  for (const { client, clock, state } of kept) {
    encoding.writeVarUint(encoder, client)
    encoding.writeVarUint(encoder, clock)
    encoding.writeVarString(encoder, JSON.stringify(state))
  }
  return encoding.toUint8Array(encoder)
}

const isEmptyObject = (value: unknown): value is Record<string, never> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0

/** Who is in a loaded conversation and doing what, from its room's awareness. */
export function presenceOf(live: LiveDoc): ConversationPresence {
  const states: PresenceState[] = []
  for (const state of live.awareness.getStates().values()) {
    const parsed = PresenceState.safeParse(state)
    if (parsed.success) states.push(parsed.data)
  }
  return { conversationId: live.conversationId, agents: summarisePresence(states) }
}
