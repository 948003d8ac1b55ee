import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { createServer } from 'node:net'
import { Redis } from 'ioredis'

// Redis for the cluster tests (issue 11): the machine's (TEST_REDIS_URL, as .ci/run sets it), checked
// to answer so that a missing Redis fails the file with a clear message rather than skipping it; and
// a private redis-server a test can kill and start again.

const DEFAULT_URL = 'redis://127.0.0.1:6379'

/** The shared Redis's URL, once it has answered a PING. */
export async function testRedisUrl(): Promise<string> {
  const url = process.env.TEST_REDIS_URL ?? DEFAULT_URL
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null })
  client.on('error', () => {})
  try {
    await client.connect()
    await client.ping()
  } catch (error) {
    throw new Error(`Redis at ${url} (TEST_REDIS_URL) does not answer: ${(error as Error).message}. Start it with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no`)
  } finally {
    client.disconnect()
  }
  return url
}

/** A channel prefix of its own, so that test files sharing one Redis never hear each other. */
export const uniquePrefix = (name: string): string => `test-${name}-${randomUUID().slice(0, 8)}`

/** A redis-server of the test's own on a free loopback port, nothing saved; stop() kills it. */
export class PrivateRedis {
  private child: ChildProcess | null = null

  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort())
    await redis.launch()
    return redis
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`
  }

  async launch(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] })
    this.child = child
    await new Promise<void>((resolve, reject) => {
      let out = ''
      const onData = (data: Buffer) => {
        out += String(data)
        if (/ready to accept connections/i.test(out)) resolve()
      }
      child.stdout!.on('data', onData)
      child.once('error', (error) => reject(new Error(`redis-server could not start: ${error.message}`)))
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)))
    })
  }

  /** Kills it at once (SIGKILL: nothing flushed, every connection cut). */
  async kill(): Promise<void> {
    const child = this.child
    this.child = null
    if (!child || child.exitCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGKILL')
    await exited
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}
