import { execFileSync } from 'node:child_process'
import os from 'node:os'
import type { BrowserContext } from 'playwright-core'
import { REPO_ROOT, removeTempDir } from '../lib/children.ts'
import { count } from '../lib/format.ts'
import { withTimeout } from '../lib/time.ts'
import { buildApp } from './app-build.ts'
import { type AppServer, startAppServer } from './app-server.ts'
import { type BootstrapRun, coldBootstrap } from './bootstrap.ts'
import { VIEWPORT } from './browser.ts'
import { type FirstLoad, firstLoadSizes } from './bundle-size.ts'
import { docSizeTable } from './doc-size.ts'
import { type FeedReference, readWholeFeed } from './feed-reference.ts'
import { bootstrapBreakdown, bootstrapTable, firstLoadTable, warmTable } from './report.ts'
import { seededData } from './seed-cache.ts'
import { printClientTable } from './table.ts'
import { type WarmRun, warmNewTab, warmRestart } from './warm-paint.ts'

// `npm run bench -- client`: the device side. One server on a seeded copy of the demo workspace; per
// run a fresh profile bootstraps, then opens the app warm in a new tab and after a browser restart.

const SEED = { conversations: 10_000, seed: 7 }
const RUNS = 3

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
    throw error
  }
}

const reason = (error: unknown) => (error as Error).message.split('\n')[0]!

function sourceState(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim()
    const dirty = git('status', '--porcelain', '--', 'client', 'shared', 'vite.config.ts').split('\n').filter(Boolean).length
    return `commit ${git('rev-parse', '--short', 'HEAD')}${dirty ? `, plus ${dirty} uncommitted file(s) under client/ shared/` : ''}`
  } catch {
    return 'not a git checkout'
  }
}

function chromiumVersion(): string {
  try {
    return execFileSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return 'Chromium (version unknown)'
  }
}

interface Rounds {
  cold: BootstrapRun[]
  newTab: WarmRun[]
  restart: WarmRun[]
  coldFailures: string[]
  warmFailures: string[]
  firstLoad: FirstLoad | null
  problems: string[]
}

async function rounds(server: AppServer, feed: FeedReference, buildDir: string): Promise<Rounds> {
  const r: Rounds = { cold: [], newTab: [], restart: [], coldFailures: [], warmFailures: [], firstLoad: null, problems: [] }
  for (let i = 1; i <= RUNS; i++) {
    let context: BrowserContext | null = null
    let profileDir: string | null = null
    try {
      const boot = await step(`cold bootstrap ${i}/${RUNS}`, () => coldBootstrap(server.url, server.pid, feed, r.problems), 240_000)
      context = boot.context
      profileDir = boot.profileDir
      r.cold.push(boot.run)
      r.firstLoad ??= firstLoadSizes(boot.run.resources, buildDir, new URL(server.url).origin)
      r.newTab.push(await step(`warm paint, new tab ${i}/${RUNS}`, () => warmNewTab(boot.context, server.url, r.problems), 60_000))
      const restarted = await step(`warm paint, browser restarted ${i}/${RUNS}`, () => warmRestart(boot.context, boot.profileDir, server.url, r.problems), 60_000)
      context = restarted.context
      r.restart.push(restarted.run)
    } catch (error) {
      ;(r.cold.length < i ? r.coldFailures : r.warmFailures).push(reason(error))
    } finally {
      await context?.close().catch(() => {})
      if (profileDir) removeTempDir(profileDir)
    }
  }
  return r
}

/** Build, data, server, the browser rounds and their tables; returns the seeded docs' mean state size. */
async function devicePart(): Promise<number> {
  const build = await step('vite build into a temp dir', buildApp, 200_000)
  const data = await step(`seed ${count(SEED.conversations)} conversations (cached for a day)`, () => seededData(SEED), 16 * 60_000)
  console.log(`app:     built from the working tree (${sourceState()}) into a temp dir in ${(build.ms / 1000).toFixed(1)} s;`)
  console.log('         served from there (STATIC_DIR), dist/ untouched.')
  console.log(`data:    npm run seed -- --conversations ${SEED.conversations} --seed ${SEED.seed}: ${count(data.counts.conversations)} conversations,`)
  console.log(
    `         ${count(data.counts.messages)} messages, ${count(data.counts.contacts)} contacts, ${count(data.counts.feed)} feed entries; ` +
      (data.cached
        ? `reused from the cache under ${os.tmpdir()} (seeding took ${(data.seedMs / 1000).toFixed(1)} s).`
        : `seeded now in ${(data.seedMs / 1000).toFixed(1)} s, cached under ${os.tmpdir()} for a day.`),
  )
  if (data.warning) console.log(`         note: ${data.warning}`)
  const server = await step('start server/main.ts', () => startAppServer(data.dataDir, build.dir), 130_000)
  try {
    console.log(`server:  node --import tsx server/main.ts on ${server.url} (DEMO=1, a copy of that data); signed in as alice@example.com`)
    const feed = await step('read the whole feed from Node', () => readWholeFeed(server.url), 120_000)
    const r = await rounds(server, feed, build.dir)
    printClientTable(bootstrapTable(r.cold, feed, r.coldFailures))
    const breakdown = bootstrapBreakdown(r.cold, os.cpus().length)
    if (breakdown) printClientTable(breakdown)
    printClientTable(warmTable(r.newTab, r.restart, r.warmFailures))
    printClientTable(firstLoadTable(r.firstLoad, r.coldFailures[0] ?? null))
    printOutput(r.problems, server.output)
    return feed.meanStateBase64
  } finally {
    await server.stop()
    removeTempDir(data.dataDir)
    removeTempDir(build.dir)
  }
}

function printOutput(problems: string[], serverOutput: string[]): void {
  console.log('\n## Browser and server output (page errors, console errors and warnings; server lines after its start)\n')
  const startup = /^(Demo workspace|Support inbox is running|  \S+@\S+ {2}password|API channel inbox token)/
  const serverLines = serverOutput.filter((l) => !startup.test(l))
  // The same message from every run is printed once, with how often it came.
  const times = new Map<string, number>()
  for (const line of [...problems, ...serverLines.slice(0, 30).map((l) => `server: ${l}`)]) times.set(line, (times.get(line) ?? 0) + 1)
  for (const [line, n] of times) console.log(`  ${line}${n > 1 ? ` (x${n})` : ''}`)
  if (times.size === 0) console.log('  nothing')
  else console.log('  (a fresh profile\'s first /api/workspace answers 401 before sign-in: the session check, expected)')
}

export async function runClientGroup(): Promise<void> {
  const started = Date.now()
  console.log('\n# Device (client) benchmarks')
  console.log(`date:    ${new Date().toISOString()}; ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(2)} at the start (other processes share the machine)`)
  console.log(`browser: ${chromiumVersion()}, headless, ${VIEWPORT.width}x${VIEWPORT.height}; node ${process.version}`)
  let seededBase64: number | null = null
  try {
    seededBase64 = await devicePart()
  } catch (error) {
    console.log(`\ndevice measurements failed: ${reason(error)}`)
  }
  printClientTable(await step('doc size after 1,000 edits', async () => docSizeTable(seededBase64), 60_000))
  console.log(`\nclient group: ${((Date.now() - started) / 1000).toFixed(0)} s`)
}
