import type { LiveDoc } from './live-doc.ts'

/**
 * The other server processes that may hold the same docs (server/cluster/rooms.ts). The registry
 * tells them what it loads, appends and unloads; they apply the others' updates to its replicas with
 * `relayOrigin`. With one process (no REDIS_URL) every hook does nothing.
 */
export interface DocPeers {
  opened(live: LiveDoc): void
  closed(live: LiveDoc): void
  /** The update is in the store under this id: tell the other processes. */
  appended(live: LiveDoc, id: number, update: Uint8Array): void
  /** The highest id such that the replica holds every stored update up to it: compaction merges no
   *  further, else it could replace an update this replica never saw with a state that lacks it. */
  safeThrough(live: LiveDoc): number
  /** Runs `fn` unless another process runs the same work now (then resolves without running it). */
  exclusively(name: string, fn: () => Promise<void>): Promise<void>
  /** How long another process may take between storing an update and saving its projection: a doc
   *  loaded in that window holds a change the SQL row lacks, which is that process's to project,
   *  not this one's (0: no other process). */
  readonly settleMs: number
}

export const noPeers: DocPeers = {
  opened: () => {},
  closed: () => {},
  appended: () => {},
  safeThrough: (live) => live.lastUpdateId,
  exclusively: (_name, fn) => fn(),
  settleMs: 0,
}
