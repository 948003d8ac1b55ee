import * as Y from 'yjs'
import { type SyncClient, connectSynced } from '../clients/sync-client.ts'
import { count, mean, ms, percentile, ratio } from '../lib/format.ts'
import { withTimeout } from '../lib/time.ts'
import { ServerHandle } from '../servers/launch.ts'
import { LATENCY_SERVERS, type ServerKind } from '../servers/kinds.ts'
import { type Measurement, type Outcome, failure, targetOf } from './measurement.ts'

const ROUNDS = 5
const PER_ROUND = 1000
const WARMUP = 50

export interface PropagationResult {
  samples: number[]
}

/** One server with a writer and its readers in one room. */
interface Rig {
  server: ServerHandle
  writer: SyncClient
  readers: SyncClient[]
  written: number
  samples: number[]
}

/** Inserts one character into the note text and resolves when every reader's doc has it. */
function oneUpdate(rig: Rig): Promise<number> {
  const n = rig.written++
  const promise = new Promise<number>((resolve) => {
    let waiting = rig.readers.length
    const started = performance.now()
    for (const reader of rig.readers) {
      const text = reader.doc!.getText('note')
      const onUpdate = () => {
        if (text.length <= n) return
        reader.doc!.off('update', onUpdate)
        if (--waiting === 0) resolve(performance.now() - started)
      }
      reader.doc!.on('update', onUpdate)
    }
    rig.writer.doc!.getText('note').insert(n, 'x')
  })
  return withTimeout(promise, 10_000, `update ${n} to reach every reader`)
}

async function burst(rig: Rig, updates: number, keep: boolean): Promise<void> {
  for (let i = 0; i < updates; i++) {
    const latency = await oneUpdate(rig)
    if (keep) rig.samples.push(latency)
  }
}

async function openRig(kind: ServerKind, readerCount: number): Promise<Rig> {
  const server = await ServerHandle.start(kind, { rooms: 2 })
  try {
    const target = targetOf(server, server.ready.rooms[0]!)
    const writer = await connectSynced(target, new Y.Doc())
    const readers = await Promise.all(Array.from({ length: readerCount }, () => connectSynced(target, new Y.Doc())))
    const rig = { server, writer, readers, written: 0, samples: [] }
    await burst(rig, WARMUP, false)
    return rig
  } catch (error) {
    await server.dispose()
    throw error
  }
}

async function closeRig(rig: Rig): Promise<void> {
  for (const c of [rig.writer, ...rig.readers]) c.terminate()
  await rig.server.dispose()
}

async function runAll(kinds: ServerKind[], readerCount: number): Promise<Map<ServerKind, Outcome<PropagationResult>>> {
  const outcomes = new Map<ServerKind, Outcome<PropagationResult>>()
  const rigs = new Map<ServerKind, Rig>()
  try {
    for (const kind of kinds) {
      try {
        rigs.set(kind, await openRig(kind, readerCount))
      } catch (error) {
        outcomes.set(kind, failure(error))
      }
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const [kind, rig] of rigs) {
        try {
          await burst(rig, PER_ROUND, true)
        } catch (error) {
          outcomes.set(kind, failure(error))
          rigs.delete(kind)
          await closeRig(rig)
        }
      }
    }
    for (const [kind, rig] of rigs) outcomes.set(kind, { ok: true, result: { samples: rig.samples } })
    return outcomes
  } finally {
    for (const rig of rigs.values()) await closeRig(rig)
  }
}

export function propagation(readerCount: number): Measurement<PropagationResult> {
  const who = readerCount === 1 ? 'writer -> 1 reader (2 clients)' : `writer -> last of ${readerCount} readers (${readerCount + 1} clients)`
  return {
    title: `Update propagation latency, one room, ${who}`,
    columns: ['updates', 'p50', 'p99', 'mean', 'max'],
    ratioColumn: 'p99 vs plain',
    notes: [
      `One-character inserts into the note Y.Text, one at a time (the next once every reader has it): ${ROUNDS} rounds of ${count(PER_ROUND)}`,
      `per server, the servers taking turns round by round, after ${WARMUP} warm-up updates each. Raw y-protocols clients in the bench`,
      'process; each server in its own process; all on 127.0.0.1.',
      'target: our p99 <= 1.0x the plain server',
    ],
    servers: LATENCY_SERVERS,
    timeoutMs: 400_000,
    runAll: (kinds) => runAll(kinds, readerCount),
    cells: (r) => [count(r.samples.length), ms(percentile(r.samples, 50)), ms(percentile(r.samples, 99)), ms(mean(r.samples)), ms(Math.max(...r.samples))],
    ratio: (r, plain) => ratio(percentile(r.samples, 99), percentile(plain.samples, 99)),
  }
}
