import type { Flavour } from './codec.ts'

// Messages between the bench and a client worker process (clients/worker.ts), over IPC.

export interface OpenRequest {
  type: 'open'
  id: number
  baseUrl: string
  rooms: string[]
  flavour: Flavour
  authorization?: string
  count: number
  /** Connection k of this request joins rooms[(firstIndex + k) % rooms.length]. */
  firstIndex: number
  /** Reconnect with backoff whenever the socket is lost (the restart measurement). */
  reconnect: boolean
  /** Handshakes in flight at once while opening. */
  concurrency: number
}

export type WorkerRequest = OpenRequest | { type: 'status'; id: number } | { type: 'close'; id: number }

export interface WorkerStatus {
  type: 'status'
  id: number
  total: number
  synced: number
  failed: number
  /** Date.now() of the most recent sync: once synced === total, when the last client got there. */
  lastSyncAt: number
  /** The first few distinct failure reasons, with counts. */
  errors: Record<string, number>
}
