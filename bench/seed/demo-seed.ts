import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { randomUUID } from 'node:crypto'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { createContext } from '../../server/app-context.ts'
import { configFromEnv } from '../../server/config.ts'
import { seedDemoWorkspace } from '../../server/demo/seed.ts'
import { systemClock } from '../../server/services/clock.ts'
import { openPgStore } from '../../server/store/pg/pg-store.ts'
import { openSqliteStore } from '../../server/store/sqlite/sqlite-store.ts'
import type { Store } from '../../server/store/types.ts'

// `npx tsx bench/seed/demo-seed.ts [--rounds 3] [--commit-load 4] [--commit-delay-ms 20]`: times seedDemoWorkspace (what
// `npm start` runs on an empty database) on a fresh SQLite file and, with DATABASE_URL or
// TEST_DATABASE_URL, on a fresh PostgreSQL schema (dropped after). Each backend runs it two ways:
// in one transaction (what ships) and call by call, each store call committing on its own (as
// before Store.inOneTransaction). The rows take turns in every round, so that noise from the machine
// falls on all of them alike. `--commit-load N` keeps N other connections committing one-row
// transactions meanwhile, as other test processes do on a busy machine. `--commit-delay-ms D` makes
// each of the seed's own PostgreSQL commits wait D ms before its WAL flush (commit_delay, in those
// sessions only): a slow or contended disk, where the commits, not the statements, cost the time.
// Only prints.

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '3' }, 'commit-load': { type: 'string', default: '0' }, 'commit-delay-ms': { type: 'string', default: '0' } },
})
const rounds = Number(values.rounds)
const loadClients = Number(values['commit-load'])
const commitDelayMs = Number(values['commit-delay-ms'])
if (!(commitDelayMs >= 0 && commitDelayMs <= 100)) throw new Error('--commit-delay-ms is 0 to 100 (PostgreSQL caps commit_delay at 100 ms)')
const pgUrl = process.env.DATABASE_URL || process.env.TEST_DATABASE_URL

interface Opened {
  store: Store
  dataDir: string
  dispose(): Promise<void>
}

async function openSqlite(): Promise<Opened> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'seed-bench-'))
  return { store: openSqliteStore(path.join(dataDir, 'inbox.sqlite')), dataDir, dispose: () => rm(dataDir, { recursive: true, force: true }) }
}

async function openPostgres(url: string): Promise<Opened> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'seed-bench-'))
  const schema = `seed_bench_${randomUUID().replaceAll('-', '').slice(0, 16)}`
  await query(url, `CREATE SCHEMA "${schema}"`)
  // The schema in the URL rather than as openPgStore's option, so that these connections' own
  // settings can ride along. commit_delay waits before each WAL flush (commit_siblings = 0: even
  // alone), a stand-in for a disk that takes that long per flush: these sessions only, nobody else's.
  const settings = [`-c search_path=${schema}`, ...(commitDelayMs > 0 ? [`-c commit_delay=${commitDelayMs * 1000}`, '-c commit_siblings=0'] : [])]
  const withSettings = new URL(url)
  withSettings.searchParams.set('options', settings.join(' '))
  return {
    store: await openPgStore(withSettings.toString()),
    dataDir,
    async dispose() {
      await query(url, `DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

async function query(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(text)
  } finally {
    await client.end()
  }
}

/** The store with each call committing on its own, as the seed ran before inOneTransaction. */
const callByCall = (store: Store): Store =>
  Object.create(store, { inOneTransaction: { value: <T>(fn: () => Promise<T>): Promise<T> => fn() } }) as Store

interface Row {
  label: string
  open(): Promise<Opened>
  wrap(store: Store): Store
  samples: number[]
}

async function timeOnce(row: Row): Promise<number> {
  const { store, dataDir, dispose } = await row.open()
  const ctx = createContext(configFromEnv({ DATA_DIR: dataDir }), row.wrap(store), systemClock)
  try {
    const started = performance.now()
    await seedDemoWorkspace(ctx)
    return performance.now() - started
  } finally {
    // Seeding snoozed conversations arms the snooze timer: it must not fire on a closed store.
    ctx.waker.stop()
    await ctx.docs.closeAll()
    await ctx.cluster.close()
    await store.close()
    await dispose()
  }
}

/** N connections committing one-row transactions in a loop, in a schema of their own. */
async function startCommitLoad(url: string, clients: number): Promise<{ stop(): Promise<number> }> {
  const schema = `seed_bench_load_${randomUUID().replaceAll('-', '').slice(0, 12)}`
  await query(url, `CREATE SCHEMA "${schema}"; CREATE TABLE "${schema}".t (id serial PRIMARY KEY, v text)`)
  let running = true
  let commits = 0
  const loops = Array.from({ length: clients }, async () => {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      while (running) {
        await client.query(`INSERT INTO "${schema}".t (v) VALUES ('x')`)
        commits++
      }
    } finally {
      await client.end()
    }
  })
  const started = performance.now()
  return {
    async stop() {
      running = false
      await Promise.all(loops)
      await query(url, `DROP SCHEMA "${schema}" CASCADE`)
      return commits / ((performance.now() - started) / 1000)
    },
  }
}

const rows: Row[] = [
  { label: 'SQLite, one transaction', open: openSqlite, wrap: (s) => s, samples: [] },
  { label: 'SQLite, call by call', open: openSqlite, wrap: callByCall, samples: [] },
]
if (pgUrl) {
  rows.push(
    { label: 'PostgreSQL, one transaction', open: () => openPostgres(pgUrl), wrap: (s) => s, samples: [] },
    { label: 'PostgreSQL, call by call', open: () => openPostgres(pgUrl), wrap: callByCall, samples: [] },
  )
} else {
  console.error('DATABASE_URL / TEST_DATABASE_URL not set: SQLite only')
}
if (loadClients > 0 && !pgUrl) throw new Error('--commit-load needs PostgreSQL')
const load = loadClients > 0 ? await startCommitLoad(pgUrl!, loadClients) : null
for (let round = 0; round < rounds; round++) {
  for (const row of rows) row.samples.push(await timeOnce(row))
}
const loadRate = load ? await load.stop() : 0

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`
console.log(`seedDemoWorkspace: ${rounds} rounds, ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`)
if (load) console.log(`meanwhile ${loadClients} other connections committed ${Math.round(loadRate)} one-row transactions/s`)
if (commitDelayMs > 0) console.log(`PostgreSQL: each of the seed's commits waits ${commitDelayMs} ms before its WAL flush (commit_delay)`)
for (const row of rows) {
  console.log(`${row.label.padEnd(30)} median ${seconds(median(row.samples)).padStart(8)}   runs ${row.samples.map(seconds).join(', ')}`)
}
