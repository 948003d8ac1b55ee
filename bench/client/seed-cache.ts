import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { REPO_ROOT, makeTempDir } from '../lib/children.ts'
import { runToEnd } from './processes.ts'

// `npm run seed -- --conversations 10000` takes half a minute, so its database is kept under the
// system temp dir, keyed by the seed parameters and the server and shared code (a changed schema or
// demo script seeds again), for a day. Each bench run works on a copy: a running server writes to it.

const PREFIX = 'inbox-bench-seed-'
const MAX_AGE_MS = 24 * 3600 * 1000
const DB_FILES = ['inbox.sqlite', 'inbox.sqlite-wal', 'inbox.sqlite-shm']

export interface SeedParams {
  conversations: number
  seed: number
}

export interface SeededData {
  /** A fresh copy for this run (a temp dir, removed at the end). */
  dataDir: string
  cached: boolean
  seedMs: number
  counts: { conversations: number; messages: number; contacts: number; feed: number }
  /** Something the seed CLI did that it should not have (a non-zero exit code). */
  warning: string | null
}

interface CacheMeta {
  createdAt: number
  seedMs: number
  counts: SeededData['counts']
  warning: string | null
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort()
}

function cacheKey(params: SeedParams): string {
  const hash = createHash('sha256').update(JSON.stringify(params))
  const files = [...filesUnder(path.join(REPO_ROOT, 'server')), ...filesUnder(path.join(REPO_ROOT, 'shared')), path.join(REPO_ROOT, 'package-lock.json')]
  for (const file of files) hash.update(path.relative(REPO_ROOT, file)).update(readFileSync(file))
  return hash.digest('hex').slice(0, 16)
}

function countRows(dataDir: string): SeededData['counts'] {
  const db = new Database(path.join(dataDir, 'inbox.sqlite'), { readonly: true })
  try {
    const n = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
    return { conversations: n('conversations'), messages: n('messages'), contacts: n('contacts'), feed: n('feed') }
  } finally {
    db.close()
  }
}

function readCache(dir: string): CacheMeta | null {
  try {
    const meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as CacheMeta
    return Date.now() - meta.createdAt < MAX_AGE_MS && existsSync(path.join(dir, 'inbox.sqlite')) ? meta : null
  } catch {
    return null
  }
}

async function seedInto(dir: string, params: SeedParams): Promise<CacheMeta> {
  const started = performance.now()
  const cli = ['--import', 'tsx', 'server/demo/seed-cli.ts', '--conversations', String(params.conversations), '--seed', String(params.seed)]
  const { code, output } = await runToEnd([process.execPath, ...cli], { DATA_DIR: dir }, 15 * 60_000)
  const seedMs = performance.now() - started
  const counts = countRows(dir)
  if (counts.conversations < params.conversations) {
    throw new Error(`seed made ${counts.conversations} conversations (code ${code}): ${output.slice(-5).join(' / ')}`)
  }
  const warning = code === 0 ? null : `the seed CLI exited with code ${code}${output.length ? ` (${output.at(-1)})` : ', printing nothing'}, its data complete`
  return { createdAt: Date.now(), seedMs, counts, warning }
}

export async function seededData(params: SeedParams): Promise<SeededData> {
  const key = cacheKey(params)
  const cacheDir = path.join(os.tmpdir(), `${PREFIX}${key}`)
  let meta = readCache(cacheDir)
  const cached = meta !== null
  if (!meta) {
    // Older caches (other code, other parameters) are dropped rather than left to fill the disk.
    for (const name of readdirSync(os.tmpdir())) {
      const full = path.join(os.tmpdir(), name)
      if (name.startsWith(PREFIX) && !name.includes('.partial') && statSync(full).isDirectory()) rmSync(full, { recursive: true, force: true })
    }
    const partial = makeTempDir(`${PREFIX}${key}.partial-`)
    meta = await seedInto(partial, params)
    writeFileSync(path.join(partial, 'meta.json'), JSON.stringify(meta))
    renameSync(partial, cacheDir)
  }
  const dataDir = makeTempDir('inbox-bench-data-')
  for (const file of DB_FILES) if (existsSync(path.join(cacheDir, file))) copyFileSync(path.join(cacheDir, file), path.join(dataDir, file))
  return { dataDir, cached, seedMs: meta.seedMs, counts: meta.counts, warning: meta.warning }
}
