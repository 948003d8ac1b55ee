import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

// Every child process and temp dir the bench makes is registered here, so that a failed measurement,
// the end of the run and Ctrl-C all leave nothing behind.

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

const children = new Set<ChildProcess>()
const tempDirs = new Set<string>()

/** Runs a TypeScript entry under bench/ in its own Node process (tsx loader, GC exposed, IPC channel).
 *  A shell raises the soft open-files limit to the hard one first, then execs Node (same pid), which
 *  finds the IPC channel through NODE_CHANNEL_FD as if forked. */
export function forkTs(entry: string, env: NodeJS.ProcessEnv = {}): ChildProcess {
  const node = [process.execPath, '--import', 'tsx', '--expose-gc', path.join(REPO_ROOT, 'bench', entry)]
  const child = spawn('/bin/sh', ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"', 'sh', ...node], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  })
  children.add(child)
  child.once('exit', () => children.delete(child))
  return child
}

/** SIGKILL and wait for the exit (a no-op for a child that is gone already). */
export function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGKILL')
  })
}

export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix))
  tempDirs.add(dir)
  return dir
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
  tempDirs.delete(dir)
}

/** Synchronous, so it can run from an exit handler too. */
export function cleanupAll(): void {
  for (const child of children) child.kill('SIGKILL')
  children.clear()
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true })
  tempDirs.clear()
}

export function cleanupOnExit(): void {
  process.once('exit', cleanupAll)
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping the bench`)
      cleanupAll()
      process.exit(130)
    })
  }
}
