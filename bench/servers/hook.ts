// The child side of the bench's control channel, shared by every server entry: the parent starts an
// entry with `fork` (an IPC channel) and `--expose-gc`, reads one READY line from stdout, and asks for
// stats over IPC. Nothing here touches the server under test beyond the `liveDocs` callback.
import v8 from 'node:v8'

export const READY_MARKER = 'BENCH_READY '

export interface ReadyInfo {
  port: number
  /** Bearer token for servers that need one. */
  token: string | null
  /** Room names (`conv:<id>`) the clients may join. */
  rooms: string[]
  /** Ours only: the inbound SMTP port (the flood group's target). */
  smtpPort?: number
}

export interface StatsRequest {
  type: 'stats'
  id: number
}

export interface StatsReply {
  type: 'stats'
  id: number
  heapUsed: number
  liveDocs: number
}

// Not process.memoryUsage(): it opens /proc/self/stat for the RSS, and throws EMFILE when the server
// holds as many sockets as its descriptor limit allows (the parent reads the RSS from /proc instead).
const heapUsed = (): number => v8.getHeapStatistics().used_heap_size

/** Full GCs until the heap stops shrinking (weak callbacks and finalizers can free more on a 2nd pass). */
function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc
  if (!gc) throw new Error('start the server entry with --expose-gc')
  let last = Infinity
  for (let i = 0; i < 5; i++) {
    gc()
    const used = heapUsed()
    if (last - used < 64 * 1024) return
    last = used
  }
}

/** `onOrphaned` runs if the bench dies without stopping this child (it was SIGKILLed itself). */
export function serveHook(ready: ReadyInfo, liveDocs: () => number, onOrphaned: () => void = () => {}): void {
  process.on('message', (raw: unknown) => {
    const msg = raw as StatsRequest
    if (msg?.type !== 'stats') return
    // A turn of the event loop first, so timers due now (unloads) have run.
    setImmediate(() => {
      collect()
      const reply: StatsReply = { type: 'stats', id: msg.id, heapUsed: heapUsed(), liveDocs: liveDocs() }
      process.send?.(reply)
    })
  })
  // The parent went away (killed bench): do not linger.
  process.on('disconnect', () => {
    onOrphaned()
    process.exit(0)
  })
  process.stdout.write(`${READY_MARKER}${JSON.stringify(ready)}\n`)
}

export const envInt = (name: string, fallback: number): number => {
  const value = process.env[name]
  return value === undefined || value === '' ? fallback : Number.parseInt(value, 10)
}
