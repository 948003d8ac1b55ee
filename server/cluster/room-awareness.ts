import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { type Awareness, removeAwarenessStates } from 'y-protocols/awareness'

/** Origin of the states a process drops because the process that relayed them went silent: each
 *  process drops them on its own, so this is never relayed. */
export const departedOrigin = 'departed'
/** Origin of a process re-announcing its own sockets' states with a newer clock (relayed). */
export const reassertOrigin = 'reassert'

/** The client ids an awareness update speaks about (it is checked when applied, not here). */
export function clientsOf(update: Uint8Array): number[] {
  const decoder = decoding.createDecoder(update)
  const clients: number[] = []
  const count = decoding.readVarUint(decoder)
  for (let i = 0; i < count; i++) {
    clients.push(decoding.readVarUint(decoder))
    decoding.readVarUint(decoder)
    decoding.readVarString(decoder)
  }
  return clients
}

/**
 * Drops these clients' states, and forgets their clocks: a state is taken only with a newer clock
 * than the last one seen, or the same one for the first time, so the process that owns them can
 * announce them again once it is back (and a socket that moves here can announce itself).
 */
export function dropStates(awareness: Awareness, clients: number[]): void {
  removeAwarenessStates(awareness, clients, departedOrigin)
  for (const client of clients) awareness.meta.delete(client)
}

/**
 * The current states of these clients, one clock newer than this process holds them. The sockets
 * of the other processes were told the states were removed at their old clock, and y-protocols
 * ignores the same clock again (the way it re-announces a local state someone removed: clock + 1).
 * The socket that owns a state adopts the newer clock when it is sent back to it, so its next
 * renewal goes on from there.
 */
export function reassertion(awareness: Awareness, clients: number[]): Uint8Array | null {
  const states = awareness.getStates()
  const present = clients.filter((client) => states.has(client))
  if (present.length === 0) return null
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, present.length)
  for (const client of present) {
    encoding.writeVarUint(encoder, client)
    encoding.writeVarUint(encoder, (awareness.meta.get(client)?.clock ?? 0) + 1)
    encoding.writeVarString(encoder, JSON.stringify(states.get(client)))
  }
  return encoding.toUint8Array(encoder)
}
