import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { ServerProcess } from './server-process.ts'

const ROOT = path.resolve(import.meta.dirname, '../..')

export interface CrashableServer extends ServerProcess {
  /** The pid of the server itself, not of a wrapper. */
  pid: number
}

/**
 * The real server (`server/main.ts`, the demo workspace, a random port) as ONE process, so that a
 * signal lands on the server: `node --import tsx server/main.ts`.
 *
 * `startServerProcess` runs it under the tsx CLI, which spawns node as a child and relays SIGTERM and
 * SIGINT to it. SIGKILL cannot be relayed: `stop('SIGKILL')` there kills only the wrapper and leaves
 * the server running as an orphan, still listening and still writing the database that a "restarted"
 * server then opens as well. A crash test must kill the server itself.
 *
 * The built app is not served (STATIC_DIR points nowhere): crash tests need only the API and sync.
 */
export async function startCrashableServer(options: { dataDir?: string; env?: Record<string, string> } = {}): Promise<CrashableServer> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'inbox-crash-'))
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DEMO: '1',
      STATIC_DIR: path.join(dataDir, 'no-static'),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`server did not start in time:\n${output}`))
    }, 60_000)
    child.stdout.on('data', () => {
      const match = output.match(/running at (http:\/\/[\d.]+:\d+)/)
      if (!match) return
      clearTimeout(timer)
      resolve(match[1]!)
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`server exited (${code ?? signal}) before listening:\n${output}`))
    })
  })
  return {
    url,
    dataDir,
    pid: child.pid!,
    apiToken: output.match(/(inbox_[A-Za-z0-9_-]+)/)?.[1] ?? '',
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      await exited
    },
  }
}
