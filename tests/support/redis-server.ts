import { type ChildProcess, spawn } from 'node:child_process'
import net from 'node:net'
import { Redis } from 'ioredis'

// A Redis of the test's own on a loopback port, which the test may kill and start again (the
// machine's shared Redis must not be restarted under other test files). Keeps nothing on disk, like
// the machine's: after a restart it is empty, and the service must not care.

export interface OwnRedis {
  url: string
  kill(): Promise<void>
  start(): Promise<void>
  stop(): Promise<void>
}

async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort()
  const url = `redis://127.0.0.1:${port}`
  let child: ChildProcess | null = null
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
    const deadline = Date.now() + 10_000
    for (;;) {
      const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
      // The refusal is handled below; without a listener ioredis also prints it as unhandled.
      probe.on('error', () => undefined)
      try {
        await probe.connect()
        await probe.ping()
        return
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`redis-server on ${port} did not start: ${(error as Error).message}`)
        await new Promise((resolve) => setTimeout(resolve, 50))
      } finally {
        probe.disconnect()
      }
    }
  }
  const kill = async () => {
    const c = child
    child = null
    if (!c || c.exitCode !== null) return
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()))
    c.kill('SIGKILL')
    await exited
  }
  await start()
  return { url, kill, start, stop: kill }
}
