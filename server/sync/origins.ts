// Every update applied to a server replica carries one of these as its Yjs transaction origin, so the
// hooks can tell an agent's edit from the server's own correction (STYLE: tagged origins).
export type UpdateOrigin =
  | { kind: 'agent'; agentId: string; connection?: object }
  | { kind: 'server' }

export const serverOrigin: UpdateOrigin = { kind: 'server' }

export const isUpdateOrigin = (value: unknown): value is UpdateOrigin =>
  typeof value === 'object' && value !== null && 'kind' in value && (value.kind === 'agent' || value.kind === 'server')

/** Updates and awareness another process already persisted and handled, applied here through the
 *  relay or a catch-up from the store (server/cluster/): forwarded to this process's sockets, never
 *  appended, projected for other processes, or relayed again. */
export const relayOrigin = Object.freeze({ kind: 'relay' as const })
