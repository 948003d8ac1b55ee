import type { ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { forkTs, killChild, makeTempDir, removeTempDir } from '../lib/children.ts'
import { withTimeout } from '../lib/time.ts'
import { READY_MARKER, type ReadyInfo, type StatsReply } from './hook.ts'
import type { ServerKind } from './kinds.ts'

export interface LaunchOptions {
  rooms: number
  /** 0 for a free port; a restart passes the previous one. */
  port?: number
  /** Ours only: how long a doc with no connection stays loaded. */
  docIdleMs?: number
}

/** What a server child printed besides its READY line, kept per server for the end of the run. */
export const serverOutput = new Map<string, string[]>()
const MAX_KEPT_LINES = 40

function keepOutput(label: string, line: string): void {
  const lines = serverOutput.get(label) ?? []
  if (lines.length < MAX_KEPT_LINES) lines.push(line)
  else if (lines.length === MAX_KEPT_LINES) lines.push('… (more lines dropped)')
  serverOutput.set(label, lines)
}

/** A server under test, in its own child process. */
export class ServerHandle {
  private nextId = 1
  private readonly pendingStats = new Map<number, (reply: StatsReply) => void>()

  private constructor(
    readonly kind: ServerKind,
    private child: ChildProcess,
    readonly ready: ReadyInfo,
    private readonly options: LaunchOptions,
    readonly dataDir: string | null,
  ) {
    this.listen()
  }

  static async start(kind: ServerKind, options: LaunchOptions, dataDir: string | null = null): Promise<ServerHandle> {
    const dir = dataDir ?? (kind.persistent ? makeTempDir('inbox-bench-') : null)
    const env: NodeJS.ProcessEnv = {
      PORT: String(options.port ?? 0),
      BENCH_ROOMS: String(options.rooms),
      BENCH_REUSE: dataDir ? '1' : '0',
      DOC_IDLE_MS: String(options.docIdleMs ?? 1000),
      ...kind.env,
    }
    if (dir) env.DATA_DIR = dir
    const child = forkTs(kind.entry, env)
    try {
      const ready = await withTimeout(readReady(kind, child), 120_000, `${kind.name} start`)
      return new ServerHandle(kind, child, ready, options, dir)
    } catch (error) {
      await killChild(child)
      if (dir && !dataDir) removeTempDir(dir)
      throw error
    }
  }

  get pid(): number {
    return this.child.pid!
  }

  get port(): number {
    return this.ready.port
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null
  }

  private listen(): void {
    this.child.on('message', (raw: unknown) => {
      const reply = raw as StatsReply
      if (reply?.type !== 'stats') return
      this.pendingStats.get(reply.id)?.(reply)
      this.pendingStats.delete(reply.id)
    })
  }

  /** Heap after full GC, RSS and loaded docs, as the child sees them. */
  stats(): Promise<StatsReply> {
    const id = this.nextId++
    const reply = new Promise<StatsReply>((resolve) => this.pendingStats.set(id, resolve))
    this.child.send({ type: 'stats', id })
    return withTimeout(reply, 30_000, `${this.kind.name} stats`)
  }

  /** VmRSS of the child from /proc, in bytes. */
  rssBytes(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8')
    const kib = status.match(/^VmRSS:\s+(\d+) kB$/m)?.[1]
    if (!kib) throw new Error(`no VmRSS for pid ${this.pid}`)
    return Number(kib) * 1024
  }

  /** SIGKILL: for a restart, the crash case; at the end of a measurement, the quickest stop. */
  async kill(): Promise<void> {
    await killChild(this.child)
  }

  /** Starts the same server again on the same port (and, for ours, the same DATA_DIR). */
  restart(): Promise<ServerHandle> {
    return ServerHandle.start(this.kind, { ...this.options, port: this.port }, this.dataDir)
  }

  /** Kill and forget its data. */
  async dispose(): Promise<void> {
    await this.kill()
    if (this.dataDir) removeTempDir(this.dataDir)
  }
}

function readReady(kind: ServerKind, child: ChildProcess): Promise<ReadyInfo> {
  return new Promise((resolve, reject) => {
    let settled = false
    const lines = createInterface({ input: child.stdout! })
    lines.on('line', (line) => {
      if (!settled && line.startsWith(READY_MARKER)) {
        settled = true
        resolve(JSON.parse(line.slice(READY_MARKER.length)) as ReadyInfo)
      } else keepOutput(kind.label, `stdout: ${line}`)
    })
    createInterface({ input: child.stderr! }).on('line', (line) => keepOutput(kind.label, `stderr: ${line}`))
    child.once('exit', (code, signal) => {
      if (!settled) reject(new Error(`${kind.name} exited before it was ready (code ${code}, signal ${signal})`))
      else if (signal !== 'SIGKILL') keepOutput(kind.label, `exited unexpectedly: code ${code}, signal ${signal}`)
    })
  })
}
