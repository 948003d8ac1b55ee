// `npm run bench`: our sync server side by side with the plain y-websocket server and Hocuspocus,
// each in its own child process, in one run on this machine; then the device side (client/). Only
// prints (DESIGN §7). `npm run bench -- server`, `-- client`, `-- flood`, `-- search` or `-- scale` (PostgreSQL + Redis) runs one group.
import os from 'node:os'
import { cleanupAll, cleanupOnExit } from './lib/children.ts'
import { openFilesLimit } from './lib/limits.ts'
import { withTimeout } from './lib/time.ts'
import { docChurn } from './measure/doc-churn.ts'
import { idleMemory } from './measure/idle-memory.ts'
import { type Measurement, type Outcome, failure } from './measure/measurement.ts'
import { propagation } from './measure/propagation.ts'
import { reconnect } from './measure/reconnect.ts'
import { OURS, OURS_FULL, OURS_NO_FSYNC, PLAIN, SERVERS, type ServerKind } from './servers/kinds.ts'
import { durabilityTable } from './measure/durability.ts'
import { ackLatencyTable } from './measure/ack-latency.ts'
import { runFloodGroup } from './flood/run-flood.ts'
import { serverOutput } from './servers/launch.ts'
import { printTable } from './table.ts'
import { runClientGroup } from './client/run-client.ts'
import { runSearchGroup } from './search/run-search.ts'
import { runScaleGroup } from './scale/run-scale.ts'

const GROUPS = ['server', 'client', 'flood', 'search', 'scale'] as const
/** Without an argument: everything that needs nothing but this checkout (scale needs PostgreSQL and Redis). */
const DEFAULT_GROUPS = GROUPS.filter((g) => g !== 'scale')
const asked = process.argv.slice(2)
const unknown = asked.filter((a) => !(GROUPS as readonly string[]).includes(a))
if (unknown.length > 0) {
  console.error(`usage: npm run bench [-- ${GROUPS.join(' | ')}] (unknown: ${unknown.join(' ')})`)
  process.exit(2)
}
const groups = new Set<string>(asked.length === 0 ? DEFAULT_GROUPS : asked)

function printHeader(): void {
  const limit = openFilesLimit()
  console.log('# Sync server benchmarks')
  console.log(`date:    ${new Date().toISOString()}`)
  console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'unknown cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}`)
  console.log(`node:    ${process.version}; open files limit ${limit ? `${limit.soft} soft / ${limit.hard} hard` : 'unknown'} (children inherit it)`)
  console.log('servers: ours = server/start.ts (SQLite in a temp DATA_DIR, DEMO=0, bearer token); plain = @y/websocket-server 0.1.1')
  console.log('         (no persistence); hocuspocus = @hocuspocus/server 3.4.4, no extensions. Each in its own child process on 127.0.0.1.')
}

/** Progress on stderr, so that stdout holds only the report. */
async function step<T>(what: string, work: () => Promise<T>, timeoutMs: number): Promise<T> {
  const started = Date.now()
  process.stderr.write(`  ${what} ... `)
  try {
    const result = await withTimeout(work(), timeoutMs, what)
    process.stderr.write(`done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`)
    return result
  } catch (error) {
    process.stderr.write('failed\n')
    // A timed-out run may leave its servers or client workers behind: take them down before the next one.
    cleanupAll()
    throw error
  }
}

async function measureAll<R>(m: Measurement<R>): Promise<Map<ServerKind, Outcome<R>>> {
  const outcomes = new Map<ServerKind, Outcome<R>>()
  const servers = m.servers ?? SERVERS
  if (m.runAll) {
    const runAll = m.runAll
    try {
      return await step(`${m.title}: all servers`, () => runAll(servers), m.timeoutMs)
    } catch (error) {
      for (const kind of servers) outcomes.set(kind, failure(error))
      return outcomes
    }
  }
  for (const kind of servers) {
    try {
      outcomes.set(kind, { ok: true, result: await step(`${m.title}: ${kind.name}`, () => m.run!(kind), m.timeoutMs) })
    } catch (error) {
      outcomes.set(kind, failure(error))
    }
  }
  return outcomes
}

async function runTable<R>(m: Measurement<R>): Promise<Map<ServerKind, Outcome<R>>> {
  const outcomes = await measureAll(m)
  const servers = m.servers ?? SERVERS
  const plain = outcomes.get(PLAIN)
  const rows = servers.map((kind) => {
    const o = outcomes.get(kind) ?? { ok: false, reason: 'not measured' }
    if (!o.ok) return { server: kind.label, cells: [`failed: ${o.reason}`] }
    return { server: kind.label, cells: [...m.cells(o.result), plain?.ok ? m.ratio(o.result, plain.result) : 'n/a'] }
  })
  const remarks = servers.flatMap((kind) => {
    const o = outcomes.get(kind)
    return o?.ok && m.remarks ? m.remarks(o.result).map((r) => `${kind.name}: ${r}`) : []
  })
  printTable({ title: m.title, columns: [...m.columns, m.ratioColumn], rows, notes: [...m.notes, ...remarks] })
  return outcomes
}

async function runServerGroup(): Promise<void> {
  printHeader()
  const latency = [propagation(1), propagation(49)]
  const latencyOutcomes = []
  for (const table of latency) latencyOutcomes.push({ title: table.title, outcomes: await runTable(table) })
  printTable(durabilityTable(latencyOutcomes, { shipped: OURS, full: OURS_FULL, plain: PLAIN }))
  try {
    printTable(await step('Acknowledged write latency: ours by durability setting', () => ackLatencyTable([OURS, OURS_FULL, OURS_NO_FSYNC], OURS_NO_FSYNC), 300_000))
  } catch (error) {
    console.log(`\n## Acknowledged write latency\n\nfailed: ${(error as Error).message}`)
  }
  const tables: Measurement<never>[] = [idleMemory, docChurn, reconnect] as Measurement<never>[]
  for (const table of tables) await runTable(table)

  console.log('\n## Server output (anything a server child printed besides its READY line)\n')
  for (const kind of SERVERS) {
    const lines = serverOutput.get(kind.label) ?? []
    console.log(`${kind.label}: ${lines.length === 0 ? 'nothing' : ''}`)
    for (const line of lines) console.log(`  ${line}`)
  }
}

cleanupOnExit()
const started = Date.now()
if (groups.has('server')) await runServerGroup()
if (groups.has('client')) await runClientGroup()
if (groups.has('flood')) await runFloodGroup()
if (groups.has('search')) await runSearchGroup()
if (groups.has('scale')) await runScaleGroup()
console.log(`\nwhole run: ${((Date.now() - started) / 1000).toFixed(0)} s`)
cleanupAll()
process.exit(0)
