import http from 'node:http'
import net from 'node:net'

// Misbehaving clients for the flood test and `npm run bench -- flood`: many connections on loopback
// that start a conversation with the server and never finish it. Bounded by `count`; each flood
// stops by itself after `maxMs` (a forgotten one cannot outlive its run), and stop() ends it at once.

export interface Flood {
  readonly what: string
  readonly wanted: number
  /** Connections that got through the TCP handshake. */
  opened: number
  /** Connections refused or reset before they opened. */
  failed: number
  /** Opened connections that the server closed while we were still holding them. */
  closedByServer: number
  /** Opened connections that received any bytes (an SMTP banner, a 408 or 421). */
  answered: number
  /** Open now. */
  readonly held: number
  stop(): void
}

interface FloodOptions {
  /** Written once connected. */
  opening?: string
  /** Written every `everyMs` afterwards, while the socket is open (a slow-loris' trickle). */
  trickle?: string
  everyMs?: number
  /** The flood ends by itself after this long. */
  maxMs?: number
  host?: string
}

function flood(what: string, port: number, count: number, options: FloodOptions): Flood {
  const sockets = new Set<net.Socket>()
  let stopping = false
  const state: Flood = {
    what,
    wanted: count,
    opened: 0,
    failed: 0,
    closedByServer: 0,
    answered: 0,
    get held() {
      return sockets.size
    },
    stop() {
      stopping = true
      clearInterval(ticker)
      clearTimeout(deadline)
      for (const s of sockets) s.destroy()
      sockets.clear()
    },
  }
  for (let i = 0; i < count; i++) {
    const socket = net.connect({ port, host: options.host ?? '127.0.0.1' })
    let open = false
    let heard = false
    socket.on('connect', () => {
      open = true
      state.opened += 1
      sockets.add(socket)
      if (options.opening) socket.write(options.opening)
    })
    socket.on('data', () => {
      if (!heard) state.answered += 1
      heard = true
    })
    socket.on('error', () => {})
    socket.on('close', () => {
      sockets.delete(socket)
      if (!open) state.failed += 1
      else if (!stopping) state.closedByServer += 1
    })
  }
  const ticker = setInterval(() => {
    if (options.trickle) for (const s of sockets) if (s.writable) s.write(options.trickle)
  }, options.everyMs ?? 1_000)
  const deadline = setTimeout(() => state.stop(), options.maxMs ?? 60_000)
  ticker.unref()
  deadline.unref()
  return state
}

/** HTTP slow-loris: a request line, then one more header line every second, never the blank line. */
export const slowLorisHttp = (port: number, count: number, maxMs?: number): Flood =>
  flood('HTTP slow-loris', port, count, {
    opening: 'GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n',
    trickle: 'X-Slow: 1\r\n',
    everyMs: 1_000,
    ...(maxMs === undefined ? {} : { maxMs }),
  })

/** WebSocket upgrades sent in part: the handshake's first lines, then nothing. */
export const halfUpgrades = (port: number, count: number, path: string, maxMs?: number): Flood =>
  flood('WebSocket half-sent upgrade', port, count, {
    opening: `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n`,
    ...(maxMs === undefined ? {} : { maxMs }),
  })

/** SMTP connections that read the banner and never say a word. */
export const idleSmtp = (port: number, count: number, maxMs?: number): Flood =>
  flood('SMTP idle', port, count, maxMs === undefined ? {} : { maxMs })

/** Bare TCP connections to the HTTP port that send nothing at all. */
export const idleTcp = (port: number, count: number, maxMs?: number): Flood =>
  flood('HTTP idle connect', port, count, maxMs === undefined ? {} : { maxMs })

/** `GET /api/health` on a new connection each time (a flooded server must still accept), one after
 *  the other, `count` times: each latency in ms, or Infinity for a failure. */
export async function healthLatencies(baseUrl: string, count: number, gapMs = 20): Promise<number[]> {
  const samples: number[] = []
  for (let i = 0; i < count; i++) {
    const started = performance.now()
    const ok = await new Promise<boolean>((resolve) => {
      const req = http.get(`${baseUrl}/api/health`, { agent: false, timeout: 10_000 }, (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode === 200))
      })
      req.on('timeout', () => req.destroy())
      req.on('error', () => resolve(false))
    })
    samples.push(ok ? performance.now() - started : Number.POSITIVE_INFINITY)
    if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs))
  }
  return samples
}

/** Nearest-rank percentile. */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}
