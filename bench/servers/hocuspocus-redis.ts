// Bench entry for Hocuspocus 3.4.4 with its Redis extension, as a team would run two instances: the
// extension relays updates and awareness between instances through Redis pub/sub. No database
// extension: Hocuspocus stores nothing by default (and would debounce its store by seconds).
import type { AddressInfo } from 'node:net'
import { Server } from '@hocuspocus/server'
import { Redis } from '@hocuspocus/extension-redis'
import { envInt, serveHook } from './hook.ts'

const redis = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
const server = new Server({
  port: envInt('PORT', 0),
  quiet: true,
  stopOnSignals: false,
  extensions: [new Redis({ host: redis.hostname, port: Number(redis.port || 6379), prefix: process.env.REDIS_PREFIX ?? 'hocuspocus' })],
})
// As in hocuspocus.ts: listen on loopback directly (the Redis extension does its work in
// onConfigure and the document hooks, not in onListen).
await new Promise<void>((resolve) => server.httpServer.listen(envInt('PORT', 0), '127.0.0.1', resolve))

// Both instances of a pair are given the same room names, so clients of either meet in one document.
const rooms = (process.env.BENCH_ROOM_LIST ?? '').split(',').filter(Boolean)
const port = (server.httpServer.address() as AddressInfo).port
serveHook({ port, token: null, rooms }, () => server.hocuspocus.getDocumentsCount())
