import * as Y from 'yjs'
import { connectSynced, type Target } from '../clients/sync-client.ts'
import { count, mib, ratio, seconds } from '../lib/format.ts'
import { sleep } from '../lib/time.ts'
import { ServerHandle } from '../servers/launch.ts'
import type { ServerKind } from '../servers/kinds.ts'
import { type Measurement, type Outcome, failure, targetOf } from './measurement.ts'

const ROOMS = 10_000
const ROUNDS = 5
const BATCH = 100
const DOC_IDLE_MS = 1000
/** Give up waiting for unloads once the count has not moved for this long (a server that never unloads). */
const UNLOAD_STALL_MS = 1500
const MAX_FAILURES = 100

export interface ChurnResult {
  elapsedMs: number
  failures: number
  heapStart: number
  heapEnd: number
  docsLeft: number
  unloadWaitMs: number
}

interface Rig {
  server: ServerHandle
  heapStart: number
  elapsedMs: number
  failures: number
  unloadWaitMs: number
}

/** One room's life: connect, sync, a one-character edit, graceful close. */
async function churnOne(target: Target): Promise<void> {
  const client = await connectSynced(target, new Y.Doc())
  client.doc!.getText('note').insert(0, 'x')
  client.close()
  await client.done
}

async function churnRooms(rig: Rig, rooms: string[]): Promise<void> {
  const started = performance.now()
  for (let i = 0; i < rooms.length; i += BATCH) {
    const batch = rooms.slice(i, i + BATCH).map((room) =>
      churnOne(targetOf(rig.server, room)).catch(() => {
        rig.failures += 1
      }),
    )
    await Promise.all(batch)
    if (rig.failures > MAX_FAILURES) throw new Error(`more than ${MAX_FAILURES} rooms failed`)
  }
  rig.elapsedMs += performance.now() - started
}

/** Waits until no doc is loaded, or until the count has stopped falling; returns the count left. */
async function waitForUnload(rig: Rig): Promise<number> {
  const started = Date.now()
  let last = Infinity
  let lastChange = Date.now()
  try {
    for (;;) {
      const { liveDocs } = await rig.server.stats()
      if (liveDocs === 0) return 0
      if (liveDocs < last) {
        last = liveDocs
        lastChange = Date.now()
      } else if (Date.now() - lastChange > UNLOAD_STALL_MS + DOC_IDLE_MS) return liveDocs
      await sleep(250)
    }
  } finally {
    rig.unloadWaitMs = Date.now() - started
  }
}

async function runAll(kinds: ServerKind[]): Promise<Map<ServerKind, Outcome<ChurnResult>>> {
  const outcomes = new Map<ServerKind, Outcome<ChurnResult>>()
  const rigs = new Map<ServerKind, Rig>()
  const drop = async (kind: ServerKind, error: unknown) => {
    outcomes.set(kind, failure(error))
    await rigs.get(kind)?.server.dispose()
    rigs.delete(kind)
  }
  try {
    for (const kind of kinds) {
      try {
        const server = await ServerHandle.start(kind, { rooms: ROOMS, docIdleMs: DOC_IDLE_MS })
        rigs.set(kind, { server, heapStart: 0, elapsedMs: 0, failures: 0, unloadWaitMs: 0 })
        rigs.get(kind)!.heapStart = (await server.stats()).heapUsed
      } catch (error) {
        await drop(kind, error)
      }
    }
    const perRound = Math.ceil(ROOMS / ROUNDS)
    for (let round = 0; round < ROUNDS; round++) {
      for (const [kind, rig] of rigs) {
        try {
          await churnRooms(rig, rig.server.ready.rooms.slice(round * perRound, (round + 1) * perRound))
          // The next server's round must not share the CPU with this one's unloads.
          await waitForUnload(rig)
        } catch (error) {
          await drop(kind, error)
        }
      }
    }
    for (const [kind, rig] of rigs) {
      try {
        const docsLeft = await waitForUnload(rig)
        const heapEnd = (await rig.server.stats()).heapUsed
        const { elapsedMs, failures, heapStart, unloadWaitMs } = rig
        outcomes.set(kind, { ok: true, result: { elapsedMs, failures, heapStart, heapEnd, docsLeft, unloadWaitMs } })
      } catch (error) {
        await drop(kind, error)
      }
    }
    return outcomes
  } finally {
    for (const rig of rigs.values()) await rig.server.dispose()
  }
}

const roomsPerSecond = (r: ChurnResult) => (ROOMS - r.failures) / (r.elapsedMs / 1000)

export const docChurn: Measurement<ChurnResult> = {
  title: `${count(ROOMS)} conversation docs opened and closed`,
  columns: ['rooms/s', 'heap start', 'heap end', 'end - start', 'docs still loaded', 'last unload wait'],
  ratioColumn: 'rooms/s vs plain',
  notes: [
    `Each room once: connect, sync, one-character edit, graceful close; ${BATCH} rooms at a time, batch after batch, in ${ROUNDS} rounds of`,
    `${count(ROOMS / ROUNDS)} rooms per server, the servers taking turns (each round waits for that server's unloads). rooms/s = rooms / time in rounds.`,
    'Heap = V8 used_heap_size after full GCs in the server child, before the first room and after the last, once no doc is',
    `loaded (ours runs with DOC_IDLE_MS=${DOC_IDLE_MS}; a wait ends when the count reaches 0 or stops falling for ${UNLOAD_STALL_MS + DOC_IDLE_MS} ms).`,
    'target: heap back within 15 MiB of its start after 10,000 docs closed',
  ],
  timeoutMs: 400_000,
  runAll,
  cells: (r) => [
    roomsPerSecond(r).toFixed(0),
    mib(r.heapStart),
    mib(r.heapEnd),
    `${r.heapEnd >= r.heapStart ? '+' : ''}${mib(r.heapEnd - r.heapStart)}`,
    count(r.docsLeft),
    seconds(r.unloadWaitMs),
  ],
  ratio: (r, plain) => ratio(roomsPerSecond(r), roomsPerSecond(plain)),
  remarks: (r) => (r.failures > 0 ? [`${r.failures} rooms failed`] : []),
}
