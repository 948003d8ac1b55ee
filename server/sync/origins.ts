// Every update applied to a server replica carries one of these as its Yjs transaction origin, so the
// hooks can tell an agent's edit from the server's own correction (STYLE: tagged origins).
export type UpdateOrigin =
  | { kind: 'agent'; agentId: string; connection?: object }
  | { kind: 'server' }

export const serverOrigin: UpdateOrigin = { kind: 'server' }

export const isUpdateOrigin = (value: unknown): value is UpdateOrigin =>
  typeof value === 'object' && value !== null && 'kind' in value && (value.kind === 'agent' || value.kind === 'server')
