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
/** Ours as it was before acknowledged writes were fsynced (item 9 of the hardening issue): the same
 *  entry with SQLite's `synchronous = NORMAL`, measured beside the real one to show what FULL costs. */
export const OURS_NORMAL: ServerKind = { ...OURS, label: 'ours, synchronous=NORMAL', env: { BENCH_SYNCHRONOUS: 'NORMAL' } }
export const PLAIN: ServerKind = { name: 'y-websocket', label: '@y/websocket-server 0.1.1', entry: 'servers/y-websocket.ts', flavour: 'y-websocket', persistent: false }
export const HOCUSPOCUS: ServerKind = { name: 'hocuspocus', label: '@hocuspocus/server 3.4.4', entry: 'servers/hocuspocus.ts', flavour: 'hocuspocus', persistent: false }

/** Table order; the plain server is the baseline of every ratio. */
export const SERVERS: ServerKind[] = [OURS, PLAIN, HOCUSPOCUS]
/** The latency tables also run ours with the old durability setting, in the same interleaved rounds. */
export const LATENCY_SERVERS: ServerKind[] = [OURS, OURS_NORMAL, PLAIN, HOCUSPOCUS]
