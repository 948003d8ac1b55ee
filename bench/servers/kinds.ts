import type { Flavour } from '../clients/codec.ts'

export type ServerName = 'ours' | 'y-websocket' | 'hocuspocus'

export interface ServerKind {
  name: ServerName
  /** How the row is labelled in the tables. */
  label: string
  /** The entry under bench/ that the child process runs. */
  entry: string
  flavour: Flavour
  /** Ours keeps its data in DATA_DIR; a restart must reuse it. */
  persistent: boolean
  /** Extra environment for the child (a variant of the same entry). */
  env?: Record<string, string>
}

export const OURS: ServerKind = { name: 'ours', label: 'ours (server/start.ts)', entry: 'servers/ours.ts', flavour: 'y-websocket', persistent: true }
/** The durability alternatives priced beside what ships (NORMAL + group commit, store/sqlite/wal-sync.ts):
 *  `synchronous = FULL` (an fsync inside every commit, on the event loop) and no fsync at all (NORMAL
 *  alone, as before the hardening issue). Same entry, told by BENCH_DURABILITY (servers/ours.ts). */
export const OURS_FULL: ServerKind = { ...OURS, label: 'ours, synchronous=FULL', env: { BENCH_DURABILITY: 'full' } }
export const OURS_NO_FSYNC: ServerKind = { ...OURS, label: 'ours, no fsync (before)', env: { BENCH_DURABILITY: 'none' } }
export const PLAIN: ServerKind = { name: 'y-websocket', label: '@y/websocket-server 0.1.1', entry: 'servers/y-websocket.ts', flavour: 'y-websocket', persistent: false }
export const HOCUSPOCUS: ServerKind = { name: 'hocuspocus', label: '@hocuspocus/server 3.4.4', entry: 'servers/hocuspocus.ts', flavour: 'hocuspocus', persistent: false }

/** Table order; the plain server is the baseline of every ratio. */
export const SERVERS: ServerKind[] = [OURS, PLAIN, HOCUSPOCUS]
/** The latency tables also run ours with synchronous=FULL, in the same interleaved rounds (the room
 *  path never waits for group commit, so "no fsync" would only repeat ours there). */
export const LATENCY_SERVERS: ServerKind[] = [OURS, OURS_FULL, PLAIN, HOCUSPOCUS]
