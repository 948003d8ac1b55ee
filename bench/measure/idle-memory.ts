import { ClientPool, describeErrors, type OpenSpec } from '../clients/pool.ts'
import { count, kib, mib, ratio } from '../lib/format.ts'
import { openFilesLimit } from '../lib/limits.ts'
import { sleep } from '../lib/time.ts'
import { ServerHandle } from '../servers/launch.ts'
import type { ServerKind } from '../servers/kinds.ts'
import { type Measurement, targetOf } from './measurement.ts'

const STEPS = [1000, 5000, 20_000]
const ROOMS = 100

export interface MemoryStep {
  wanted: number
  synced: number
  /** (RSS at this step - RSS before) / synced connections. */
  perConnection: number | null
  /** The same for the JS heap (after GC): the part of the RSS figure that is the server's own objects. */
  heapPerConnection: number | null
  errors: string
}

export interface MemoryResult {
  rssBefore: number
  heapBefore: number
  steps: MemoryStep[]
}

/** RSS and heap after a full GC in the child and a moment's rest, so that steps compare like with like. */
async function settled(server: ServerHandle): Promise<{ rss: number; heap: number }> {
  await sleep(1000)
  if (!server.alive) throw new Error('the server process died')
  const { heapUsed } = await server.stats()
  return { rss: server.rssBytes(), heap: heapUsed }
}

async function run(kind: ServerKind): Promise<MemoryResult> {
  const server = await ServerHandle.start(kind, { rooms: ROOMS })
  const pool = new ClientPool()
  try {
    const before = await settled(server)
    const { baseUrl, flavour, authorization } = targetOf(server, '')
    const spec: OpenSpec = { baseUrl, flavour, rooms: server.ready.rooms, reconnect: false, concurrency: 100, ...(authorization ? { authorization } : {}) }
    const steps: MemoryStep[] = []
    let opened = 0
    for (const wanted of STEPS) {
      try {
        const status = await pool.open(spec, wanted - opened, 180_000)
        opened = wanted
        const now = await settled(server)
        const per = (after: number, start: number) => (status.synced > 0 ? (after - start) / status.synced : null)
        steps.push({
          wanted,
          synced: status.synced,
          perConnection: per(now.rss, before.rss),
          heapPerConnection: per(now.heap, before.heap),
          errors: describeErrors(status.errors),
        })
      } catch (error) {
        // Keep the steps that worked: the last one is the interesting failure.
        steps.push({ wanted, synced: 0, perConnection: null, heapPerConnection: null, errors: (error as Error).message })
        break
      }
    }
    return { rssBefore: before.rss, heapBefore: before.heap, steps }
  } finally {
    await pool.close()
    await server.dispose()
  }
}

function stepCell(step: MemoryStep | undefined): string {
  if (!step) return 'n/a'
  if (step.perConnection === null) return 'failed'
  const partial = step.synced < step.wanted ? ` (${count(step.synced)} synced)` : ''
  return `${kib(step.perConnection)}${partial}`
}

// A step a few sockets short (the descriptor limit) still compares: the figure divides by what synced.
const perConnAt = (r: MemoryResult, i: number): number | null => r.steps[i]?.perConnection ?? null

/** Every server needs some descriptors of its own (listening socket, epoll, stdio, IPC, SQLite). */
function limitNote(): string[] {
  const limit = openFilesLimit()
  const top = STEPS.at(-1)!
  if (!limit || limit.hard >= top + 1000) return []
  return [
    `open files limit here: ${limit.soft} soft / ${limit.hard} hard (raising the hard limit needs CAP_SYS_RESOURCE): no server process can hold`,
    `${count(top)} sockets plus its own descriptors, so the last step falls a few dozen short for every server (the rest are accepted and dropped).`,
  ]
}

export const idleMemory: Measurement<MemoryResult> = {
  title: 'Server memory per idle synced connection (RSS)',
  columns: ['RSS before', ...STEPS.map((n) => `@ ${count(n)} conns`), 'heap/conn @ 5,000'],
  ratioColumn: 'vs plain @5k / @20k',
  notes: [
    `(VmRSS at N - VmRSS before) / N, read from /proc/<pid>/status after a full GC in the server child; connections spread over ${ROOMS} rooms`,
    '(round-robin), opened cumulatively 1,000 -> 5,000 -> 20,000 from client worker processes of <= 5,000 sockets each; each client synced, no awareness.',
    'A step that did not sync every connection shows how many did, and its per-connection figure uses that count.',
    'RSS before includes the tsx loader thread every entry runs with; heap/conn is the JS heap after GC (less noisy than RSS).',
    ...limitNote(),
    'targets: memory per idle connection <= 1.0x the plain server; 20,000 idle connections in one process',
  ],
  timeoutMs: 360_000,
  run,
  cells: (r) => {
    const heap = r.steps[1]?.heapPerConnection
    return [mib(r.rssBefore), ...STEPS.map((_, i) => stepCell(r.steps[i])), heap == null ? 'n/a' : kib(heap)]
  },
  ratio: (r, plain) => `${ratio(perConnAt(r, 1), perConnAt(plain, 1))} / ${ratio(perConnAt(r, 2), perConnAt(plain, 2))}`,
  remarks: (r) => r.steps.filter((s) => s.errors).map((s) => `at ${count(s.wanted)}: ${count(s.wanted - s.synced)} not synced: ${s.errors}`),
}
