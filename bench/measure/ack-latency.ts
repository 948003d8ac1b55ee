import { randomUUID } from 'node:crypto'
import { count, ms, percentile, ratio } from '../lib/format.ts'
import { ServerHandle } from '../servers/launch.ts'
import type { ServerKind } from '../servers/kinds.ts'
import type { Table } from '../table.ts'

const ROUNDS = 5
const SEQUENTIAL = 100
const WRITERS = 20
const PER_WRITER = 10

interface Samples {
  sequential: number[]
  concurrent: number[]
  /** Notes per second in the concurrent bursts. */
  rates: number[]
  failures: number
}

async function postNote(server: ServerHandle, conversationId: string, into: number[], s: Samples): Promise<void> {
  const started = performance.now()
  try {
    const res = await fetch(`http://127.0.0.1:${server.port}/api/conversations/${conversationId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.ready.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: randomUUID(), kind: 'note', body: 'bench note', basedOnSeq: 0 }),
    })
    await res.arrayBuffer()
    if (res.status === 201) into.push(performance.now() - started)
    else s.failures += 1
  } catch {
    s.failures += 1
  }
}

const conversationOf = (server: ServerHandle, i: number) => server.ready.rooms[i % server.ready.rooms.length]!.slice('conv:'.length)

async function round(server: ServerHandle, s: Samples): Promise<void> {
  for (let i = 0; i < SEQUENTIAL; i++) await postNote(server, conversationOf(server, i), s.sequential, s)
  const started = performance.now()
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      for (let i = 0; i < PER_WRITER; i++) await postNote(server, conversationOf(server, w), s.concurrent, s)
    }),
  )
  s.rates.push((WRITERS * PER_WRITER) / ((performance.now() - started) / 1000))
}

/** Acknowledged write latency (POST a note until its 201) for each durability variant, interleaved
 *  round by round so that the machine's noise falls on all alike. */
export async function ackLatencyTable(variants: ServerKind[], baseline: ServerKind): Promise<Table> {
  const servers = new Map<ServerKind, ServerHandle>()
  const samples = new Map<ServerKind, Samples>()
  try {
    for (const kind of variants) {
      servers.set(kind, await ServerHandle.start(kind, { rooms: WRITERS }))
      samples.set(kind, { sequential: [], concurrent: [], rates: [], failures: 0 })
    }
    for (let r = 0; r < ROUNDS; r++) for (const kind of variants) await round(servers.get(kind)!, samples.get(kind)!)
  } finally {
    for (const server of servers.values()) await server.dispose()
  }
  const base = samples.get(baseline)!
  return {
    title: 'Acknowledged write latency: POST a note until its 201, by durability setting',
    columns: ['notes', 'one at a time p50', 'p99', `${WRITERS} writers p50`, 'p99', 'notes/s', 'failures', `p99 (one) vs ${baseline.label}`],
    rows: variants.map((kind) => {
      const s = samples.get(kind)!
      const rate = s.rates.reduce((a, b) => a + b, 0) / s.rates.length
      return {
        server: kind.label,
        cells: [
          count(s.sequential.length + s.concurrent.length),
          ms(percentile(s.sequential, 50)),
          ms(percentile(s.sequential, 99)),
          ms(percentile(s.concurrent, 50)),
          ms(percentile(s.concurrent, 99)),
          count(Math.round(rate)),
          count(s.failures),
          ratio(percentile(s.sequential, 99), percentile(base.sequential, 99)),
        ],
      }
    }),
    notes: [
      `${ROUNDS} rounds per server, taking turns: ${SEQUENTIAL} notes one after the other, then ${WRITERS} writers posting`,
      `${PER_WRITER} each at once (keep-alive HTTP, bearer token). A 201 means stored; with group commit also fsynced, every`,
      'request waiting at that moment sharing one fsync. "no fsync" acknowledges what power loss could still undo.',
    ],
  }
}
