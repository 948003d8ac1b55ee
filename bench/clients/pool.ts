import type { ChildProcess } from 'node:child_process'
import { forkTs, killChild } from '../lib/children.ts'
import { withTimeout } from '../lib/time.ts'
import type { OpenRequest, WorkerStatus } from './worker-protocol.ts'

/** Up to this many sockets per client process: well under the 20,000 descriptor limit. */
export const CONNECTIONS_PER_WORKER = 5000

export type OpenSpec = Omit<OpenRequest, 'type' | 'id' | 'count' | 'firstIndex'>

export interface PoolStatus {
  total: number
  synced: number
  failed: number
  lastSyncAt: number
  errors: Record<string, number>
}

/** Client worker processes, filled one after another up to CONNECTIONS_PER_WORKER each. */
export class ClientPool {
  private readonly workers: { child: ChildProcess; count: number }[] = []
  private nextId = 1
  private opened = 0

  private async spawn(): Promise<{ child: ChildProcess; count: number }> {
    const child = forkTs('clients/worker.ts')
    child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[client worker] ${chunk}`))
    await withTimeout(new Promise<void>((resolve) => child.once('message', () => resolve())), 30_000, 'client worker start')
    const worker = { child, count: 0 }
    this.workers.push(worker)
    return worker
  }

  private request<T>(child: ChildProcess, msg: object, timeoutMs: number): Promise<T> {
    const id = this.nextId++
    const reply = new Promise<T>((resolve) => {
      const onMessage = (raw: unknown) => {
        if ((raw as { id?: number }).id !== id) return
        child.off('message', onMessage)
        resolve(raw as T)
      }
      child.on('message', onMessage)
    })
    child.send({ ...msg, id })
    return withTimeout(reply, timeoutMs, `client worker ${(msg as { type: string }).type}`)
  }

  /** Opens `count` more connections; resolves when each has synced (or failed, without reconnect). */
  async open(spec: OpenSpec, count: number, timeoutMs: number): Promise<PoolStatus> {
    const pending: Promise<unknown>[] = []
    let left = count
    while (left > 0) {
      const worker = this.workers.find((w) => w.count < CONNECTIONS_PER_WORKER) ?? (await this.spawn())
      const n = Math.min(left, CONNECTIONS_PER_WORKER - worker.count)
      worker.count += n
      pending.push(this.request(worker.child, { ...spec, type: 'open', count: n, firstIndex: this.opened }, timeoutMs))
      this.opened += n
      left -= n
    }
    await Promise.all(pending)
    return this.status()
  }

  async status(): Promise<PoolStatus> {
    const all = await Promise.all(this.workers.map((w) => this.request<WorkerStatus>(w.child, { type: 'status' }, 10_000)))
    const errors: Record<string, number> = {}
    for (const s of all) for (const [k, v] of Object.entries(s.errors)) errors[k] = (errors[k] ?? 0) + v
    return {
      total: all.reduce((n, s) => n + s.total, 0),
      synced: all.reduce((n, s) => n + s.synced, 0),
      failed: all.reduce((n, s) => n + s.failed, 0),
      lastSyncAt: Math.max(0, ...all.map((s) => s.lastSyncAt)),
      errors,
    }
  }

  /** Drops every connection and ends the worker processes. */
  async close(): Promise<void> {
    await Promise.all(
      this.workers.map(async (w) => {
        await this.request(w.child, { type: 'close' }, 10_000).catch(() => undefined)
        await killChild(w.child)
      }),
    )
    this.workers.length = 0
  }
}

export const describeErrors = (errors: Record<string, number>): string =>
  Object.entries(errors)
    .map(([kind, n]) => `${n}x ${kind}`)
    .join('; ')
