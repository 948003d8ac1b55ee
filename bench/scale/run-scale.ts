import { count, mean, ms, percentile } from '../lib/format.ts'
import { printTable } from '../table.ts'
import { type Service, hocuspocusService, oursService, DATABASE_URL, REDIS_URL } from './pairs.ts'
import { type PropagationRig, closePropagation, connectionRate, openPropagation, propagationBurst, updateThroughput } from './measure-scale.ts'

// `npm run bench -- scale` (issue 11): ours as several processes on one PostgreSQL + Redis, beside
// Hocuspocus 3.4.4 with its Redis extension, in the same run. Targets: cross-process p99 <= 1.0x the
// Hocuspocus pair while every update of ours is durable in PostgreSQL before it is forwarded
// (Hocuspocus stores nothing here); 2 processes >= 1.6x the update throughput of 1.

const ROUNDS = 5
const PER_ROUND = 300
const WARMUP = 50
const THROUGHPUT_ROOMS = 40
const THROUGHPUT_PER_ROOM = 100
const THROUGHPUT_RUNS = 3
const CONNECTIONS = 600
const CONNECT_CONCURRENCY = 50
const ROOMS = 40

const median = (xs: number[]) => percentile(xs, 50)

async function propagationTable(ours: Service, hp: Service): Promise<void> {
  const rigs: [string, PropagationRig][] = []
  try {
    for (const [service, from, to, where] of [
      [ours, 0, 1, 'across processes'],
      [hp, 0, 1, 'across processes'],
      [ours, 0, 0, 'same process'],
      [hp, 0, 0, 'same process'],
    ] as const) {
      const rig = await openPropagation(service, rigs.length, from, to)
      await propagationBurst(rig, WARMUP, false)
      rigs.push([`${service.label}, ${where}`, rig])
    }
    // Interleaved rounds: noise from the machine falls on every service alike.
    for (let round = 0; round < ROUNDS; round++) for (const [, rig] of rigs) await propagationBurst(rig, PER_ROUND, true)
  } finally {
    for (const [, rig] of rigs) closePropagation(rig)
  }
  const hpCross = rigs[1]![1].samples
  printTable({
    title: 'Scale: update propagation, writer on one process, reader on the other (2 instances each)',
    firstColumn: 'service',
    columns: ['updates', 'p50', 'p99', 'mean', 'max', 'p99 vs Hocuspocus pair'],
    rows: rigs.map(([label, rig]) => ({
      server: label,
      cells: [
        count(rig.samples.length),
        ms(median(rig.samples)),
        ms(percentile(rig.samples, 99)),
        ms(mean(rig.samples)),
        ms(Math.max(...rig.samples)),
        `${(percentile(rig.samples, 99) / percentile(hpCross, 99)).toFixed(2)}x`,
      ],
    })),
    notes: [
      `One-character inserts into the note, one at a time: ${ROUNDS} rounds of ${PER_ROUND} per row, rows taking turns, after ${WARMUP} warm-up updates.`,
      'Ours appends every update to PostgreSQL (committed) before forwarding or relaying it; Hocuspocus has no database extension.',
      'target: ours across processes p99 <= 1.0x the Hocuspocus pair across processes.',
    ],
  })
}

async function capacityTable(services: Service[]): Promise<void> {
  const updates = new Map<Service, number[]>()
  const connections = new Map<Service, number[]>()
  for (let run = 0; run < THROUGHPUT_RUNS; run++) {
    for (const s of services) {
      const u = await updateThroughput(s, THROUGHPUT_ROOMS, THROUGHPUT_PER_ROOM)
      updates.set(s, [...(updates.get(s) ?? []), (u.updates / u.ms) * 1000])
      const c = await connectionRate(s, CONNECTIONS, CONNECT_CONCURRENCY)
      connections.set(s, [...(connections.get(s) ?? []), (c.connections / c.ms) * 1000])
    }
  }
  const perSecond = (v: number) => `${count(Math.round(v))}/s`
  const rows = services.map((s) => {
    const single = services.find((o) => o.instances.length === 1 && o.label.split(' x')[0] === s.label.split(' x')[0])
    const u = median(updates.get(s)!)
    const base = single ? median(updates.get(single)!) : u
    return {
      server: s.label,
      cells: [perSecond(u), perSecond(median(connections.get(s)!)), `${(u / base).toFixed(2)}x`],
    }
  })
  printTable({
    title: 'Scale: capacity with 1 vs 2 processes',
    firstColumn: 'service',
    columns: ['updates delivered', 'connections opened + synced', 'updates vs 1 process'],
    rows,
    notes: [
      `Updates: ${THROUGHPUT_ROOMS} rooms at once, a writer and a reader each, spread round-robin over the instances, ${THROUGHPUT_PER_ROOM} updates per room, each after the previous one arrived; median of ${THROUGHPUT_RUNS} runs.`,
      `Connections: ${CONNECTIONS} clients, ${CONNECT_CONCURRENCY} at a time, round-robin over instances and ${ROOMS} rooms, each until synced (ours: bearer token checked), then dropped.`,
      'The bench clients, both server processes, PostgreSQL and Redis share this machine: on 2 cores a second process competes with them for CPU.',
      'target: ours x2 >= 1.6x the update throughput of ours x1.',
    ],
  })
}

export async function runScaleGroup(): Promise<void> {
  console.log(`scale: PostgreSQL ${DATABASE_URL.replace(/\/\/[^@]*@/, '//')}, Redis ${REDIS_URL}`)
  const services: Service[] = []
  try {
    const ours2 = await oursService(2, ROOMS)
    services.push(ours2)
    const hp2 = await hocuspocusService(2, ROOMS)
    services.push(hp2)
    await propagationTable(ours2, hp2)
    const ours1 = await oursService(1, ROOMS)
    services.push(ours1)
    const hp1 = await hocuspocusService(1, ROOMS)
    services.push(hp1)
    await capacityTable([ours1, ours2, hp1, hp2])
  } finally {
    for (const s of services) await s.dispose()
  }
}
