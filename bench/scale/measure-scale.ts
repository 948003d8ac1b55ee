import * as Y from 'yjs'
import { type SyncClient, connectSynced } from '../clients/sync-client.ts'
import { targetOf } from '../measure/measurement.ts'
import { withTimeout } from '../lib/time.ts'
import type { Service } from './pairs.ts'

// The three measurements of `npm run bench -- scale`, each over a service of one or more instances.
// Clients are raw y-protocols clients in the bench process (bench/clients/sync-client.ts).

/** One-character inserts into the note, the next once the reader has it; the reader's time. */
async function oneUpdate(writer: SyncClient, reader: SyncClient, n: number): Promise<number> {
  const text = reader.doc!.getText('note')
  const started = performance.now()
  const arrived = new Promise<number>((resolve) => {
    const onUpdate = () => {
      if (text.length <= n) return
      reader.doc!.off('update', onUpdate)
      resolve(performance.now() - started)
    }
    reader.doc!.on('update', onUpdate)
  })
  writer.doc!.getText('note').insert(n, 'x')
  return withTimeout(arrived, 10_000, `update ${n} to reach the reader`)
}

export interface PropagationRig {
  writer: SyncClient
  reader: SyncClient
  written: number
  samples: number[]
}

/** A writer on instance `from` and a reader on instance `to`, in one room. */
export async function openPropagation(service: Service, room: number, from: number, to: number): Promise<PropagationRig> {
  const a = service.instances[from]!
  const b = service.instances[to]!
  const writer = await connectSynced(targetOf(a, a.ready.rooms[room]!), new Y.Doc())
  const reader = await connectSynced(targetOf(b, b.ready.rooms[room]!), new Y.Doc())
  return { writer, reader, written: 0, samples: [] }
}

export async function propagationBurst(rig: PropagationRig, updates: number, keep: boolean): Promise<void> {
  for (let i = 0; i < updates; i++) {
    const latency = await oneUpdate(rig.writer, rig.reader, rig.written++)
    if (keep) rig.samples.push(latency)
  }
}

export function closePropagation(rig: PropagationRig): void {
  rig.writer.terminate()
  rig.reader.terminate()
}

/** Update throughput: `rooms` rooms at once, each with a writer and a reader spread round-robin over
 *  the instances (what a plain load balancer does), each room writing `perRoom` updates one after the
 *  other. Updates per second = all updates delivered / wall time. */
export async function updateThroughput(service: Service, rooms: number, perRoom: number): Promise<{ updates: number; ms: number }> {
  const n = service.instances.length
  const pairs: { writer: SyncClient; reader: SyncClient }[] = []
  try {
    for (let r = 0; r < rooms; r++) {
      const a = service.instances[(2 * r) % n]!
      const b = service.instances[(2 * r + 1) % n]!
      const room = a.ready.rooms[r % a.ready.rooms.length]!
      pairs.push({ writer: await connectSynced(targetOf(a, room), new Y.Doc()), reader: await connectSynced(targetOf(b, room), new Y.Doc()) })
    }
    const started = performance.now()
    await Promise.all(
      pairs.map(async ({ writer, reader }) => {
        for (let i = 0; i < perRoom; i++) await oneUpdate(writer, reader, i)
      }),
    )
    return { updates: rooms * perRoom, ms: performance.now() - started }
  } finally {
    for (const p of pairs) {
      p.writer.terminate()
      p.reader.terminate()
    }
  }
}

/** Connections per second: `total` clients, `concurrency` at a time, each opened and synced (auth and
 *  the first sync exchange included) round-robin over the instances and rooms, then closed. */
export async function connectionRate(service: Service, total: number, concurrency: number): Promise<{ connections: number; ms: number }> {
  const n = service.instances.length
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++
        const instance = service.instances[i % n]!
        const room = instance.ready.rooms[i % instance.ready.rooms.length]!
        const client = await withTimeout(connectSynced(targetOf(instance, room), null), 10_000, `connection ${i}`)
        client.terminate()
      }
    }),
  )
  return { connections: total, ms: performance.now() - started }
}
