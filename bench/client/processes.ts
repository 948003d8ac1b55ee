import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { REPO_ROOT } from '../lib/children.ts'
import { withTimeout } from '../lib/time.ts'

// The app's own scripts (seed CLI, server/main.ts, vite build) run as they would by hand, not as bench
// entries (lib/children.ts forks those). They are killed when the bench exits, Ctrl-C included:
// lib/children.ts turns a signal into process.exit, which runs this hook.
const running = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

export interface Script {
  child: ChildProcess
  /** stdout and stderr lines, as they came. */
  output: string[]
  /** Called with every later line too. */
  listeners: Set<(line: string) => void>
  exited: Promise<number | null>
}

export function startScript(args: string[], env: NodeJS.ProcessEnv = {}): Script {
  const child = spawn(args[0]!, args.slice(1), { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  running.add(child)
  const output: string[] = []
  const listeners = new Set<(line: string) => void>()
  const take = (line: string) => {
    output.push(line)
    for (const listener of listeners) listener(line)
  }
  createInterface({ input: child.stdout! }).on('line', take)
  createInterface({ input: child.stderr! }).on('line', take)
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      running.delete(child)
      resolve(code)
    })
    child.once('error', () => resolve(null))
  })
  return { child, output, listeners, exited }
}

/** Runs a command to its end; rejects on timeout (killing it). */
export async function runToEnd(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; output: string[] }> {
  const script = startScript(args, env)
  try {
    const code = await withTimeout(script.exited, timeoutMs, args.join(' '))
    return { code, output: script.output }
  } catch (error) {
    await stopScript(script)
    throw error
  }
}

/** Waits for a line matching `ready`; rejects if the script exits or times out first. */
export async function waitForLine(script: Script, ready: RegExp, timeoutMs: number, what: string): Promise<RegExpMatchArray> {
  let check: (line: string) => void = () => {}
  const found = new Promise<RegExpMatchArray>((resolve, reject) => {
    check = (line) => {
      const m = line.match(ready)
      if (m) resolve(m)
    }
    for (const line of script.output) check(line)
    void script.exited.then((code) => reject(new Error(`${what} exited (code ${code}): ${script.output.slice(-5).join(' / ')}`)))
  })
  script.listeners.add(check)
  try {
    return await withTimeout(found, timeoutMs, what)
  } finally {
    script.listeners.delete(check)
  }
}

export async function stopScript(script: Script): Promise<void> {
  if (script.child.exitCode !== null || script.child.signalCode !== null) return
  script.child.kill('SIGKILL')
  await script.exited
}
