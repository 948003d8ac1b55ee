import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { freshDatabase, onPostgres } from './test-database.ts'
import { openStore } from '../../server/store/open-store.ts'
import type { Store } from '../../server/store/types.ts'

const ROOT = path.resolve(import.meta.dirname, '../..')

export interface ServerProcess {
  url: string
  /** The server's own pid: a signal sent to it reaches the server, not a wrapper. */
  pid: number
  dataDir: string
  /** The API inbox token the demo workspace printed. */
  apiToken: string
  output: () => string
  stop(signal?: NodeJS.Signals): Promise<void>
}

/**
 * The real server as a separate process (`server/main.ts`, as `npm start` runs it) on a random port
 * with its own temp data dir and the demo workspace; pass `dataDir` to restart on the same data.
 * It runs as ONE process (`node --import tsx`, not the tsx CLI, which would wrap it in a second
 * process and could not relay SIGKILL): `stop('SIGKILL')` crashes the server itself.
 * `serveApp: false` skips the built app, for tests that need only the API and sync.
 * With TEST_STORE=postgres (and no DATABASE_URL in `env`) its database is a fresh PostgreSQL schema,
 * the same one again when restarted on the same `dataDir`.
 */
export async function startServerProcess(
  options: { dataDir?: string; env?: Record<string, string>; serveApp?: boolean } = {},
): Promise<ServerProcess> {
  const serveApp = options.serveApp ?? true
  if (serveApp && !existsSync(path.join(ROOT, 'dist/index.html'))) {
    throw new Error('dist/ is missing: the e2e suite serves the built app; run `npm run build` (npm test does it first)')
  }
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'inbox-e2e-'))
  const database = onPostgres() && !options.env?.DATABASE_URL ? await databaseOf(dataDir) : {}
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DEMO: '1',
      // Never the default 2525: tests run side by side.
      SMTP_INBOUND_PORT: '0',
      ...(serveApp ? {} : { STATIC_DIR: path.join(dataDir, 'no-static') }),
      ...database,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const url = await new Promise<string>((resolve, reject) => {
    // Seeding the demo takes a few hundred commits: on PostgreSQL on a busy machine, most of a minute.
    const timer = setTimeout(() => reject(new Error(`server did not start in time:\n${output}`)), 150_000)
    const check = () => {
      const match = output.match(/running at (http:\/\/[\d.]+:\d+)/)
      if (match) {
        clearTimeout(timer)
        resolve(match[1]!)
      }
    }
    child.stdout!.on('data', check)
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`server exited (${code}) before listening:\n${output}`))
    })
  })
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
  return {
    url,
    pid: child.pid!,
    dataDir,
    apiToken: output.match(/(inbox_[A-Za-z0-9_-]+)/)?.[1] ?? '',
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      await exited
    },
  }
}

export const removeDataDir = (dir: string): void => rmSync(dir, { recursive: true, force: true })

/** The database of a stopped server process, opened as its store (for what a crash left behind). */
export function openStoreOf(dataDir: string): Promise<Store> {
  return openStore({ dataDir, databaseUrl: databases.get(dataDir) })
}

// A data dir's PostgreSQL database, kept for restarts on it (its schema is dropped with the test file's).
const databases = new Map<string, string>()
async function databaseOf(dataDir: string): Promise<{ DATABASE_URL: string }> {
  let url = databases.get(dataDir)
  if (!url) databases.set(dataDir, (url = (await freshDatabase()).url))
  return { DATABASE_URL: url }
}

/** A customer's message through the API channel, as a script or a test would send it. */
export async function customerWrites(
  server: Pick<ServerProcess, 'url' | 'apiToken'>,
  contact: { email: string; name: string },
  body: string,
  conversationId?: string,
) {
  const response = await fetch(`${server.url}/api/channels/api/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.apiToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ contact, body, conversationId }),
  })
  if (response.status !== 201) throw new Error(`API channel answered ${response.status}: ${await response.text()}`)
  return (await response.json()) as { conversationId: string; messageId: string }
}
