import { mkdirSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { serve } from '@hono/node-server'
import type { Config } from './config.ts'
import { createContext, type AppContext } from './app-context.ts'
import { createHttpApp } from './http/app.ts'
import { type Clock, systemClock } from './services/clock.ts'
import { openStore } from './store/open-store.ts'
import { attachWebSockets } from './sync/upgrade.ts'
import { connectionCap, httpServerOptions } from './http/server-limits.ts'
import { seedDemoWorkspace, type DemoCredentials } from './demo/seed.ts'
import { openRelay } from './cluster/cluster.ts'

/** Expired sessions and tokens are deleted this often (their sockets close at expiry on their own). */
const SESSION_PURGE_MS = 60 * 60 * 1000

export interface RunningServer {
  url: string
  port: number
  ctx: AppContext
  demo: DemoCredentials | null
  /** DEMO=0 on an empty database: the one-time code that creates the workspace at /setup. */
  setupCode: string | null
  close(): Promise<void>
}

/** Opens the store, seeds the demo workspace on an empty database, and serves HTTP and WebSockets. */
export async function startServer(config: Config, clock: Clock = systemClock): Promise<RunningServer> {
  // DATA_DIR holds attachments and unsent mail on either backend.
  mkdirSync(config.dataDir, { recursive: true })
  const store = await openStore(config)
  let relay
  try {
    relay = await openRelay(config)
  } catch (error) {
    await store.close()
    throw error
  }
  const ctx = createContext(config, store, clock, relay)
  await ctx.cluster.ready()
  // Processes starting together on one empty PostgreSQL take turns: the first seeds, the others find
  // an account. The setup code too: the first makes it, the others print the same one.
  const { demo, setupCode } = await store.withStartupLock(async () => {
    const demo = config.demo && (await store.directory.countAccounts()) === 0 ? await seedDemoWorkspace(ctx) : null
    return { demo, setupCode: await ctx.setup.code() }
  })
  // Before requests are served and jobs run: a reply created from the first request is already heard.
  try {
    await ctx.email.start()
  } catch (error) {
    await ctx.cluster.close()
    await store.close()
    throw error
  }
  const app = createHttpApp(ctx)

  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host, serverOptions: httpServerOptions }, () => resolve(s as Server))
  })
  const cap = connectionCap()
  if (cap !== null) server.maxConnections = cap
  const sockets = attachWebSockets(server, ctx)
  ctx.waker.start()
  ctx.jobs.start()
  await ctx.auth.purgeExpired()
  ctx.auth.startPurging(SESSION_PURGE_MS)

  const port = (server.address() as AddressInfo).port
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host
  return {
    url: `http://${host}:${port}`,
    port,
    ctx,
    demo,
    setupCode,
    async close() {
      ctx.waker.stop()
      ctx.auth.stopPurging()
      await ctx.jobs.stop()
      sockets.close()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      await ctx.email.close()
      await ctx.docs.closeAll()
      await ctx.cluster.close()
      await store.close()
    },
  }
}
