// Bench entry for Hocuspocus 3.4.4 with no extensions: its default in-memory behaviour (documents
// unloaded when their last connection closes).
import { randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { Server } from '@hocuspocus/server'
import { envInt, serveHook } from './hook.ts'

const server = new Server({ port: envInt('PORT', 0), quiet: true, stopOnSignals: false })
// Server.listen() passes `address` to http's listen(), which knows only `host`: it would bind every
// interface. With no extensions its onListen hooks are empty, so listening directly loses nothing.
await new Promise<void>((resolve) => server.httpServer.listen(envInt('PORT', 0), '127.0.0.1', resolve))

const rooms = Array.from({ length: envInt('BENCH_ROOMS', 100) }, () => `conv:${randomUUID()}`)
const port = (server.httpServer.address() as AddressInfo).port
serveHook({ port, token: null, rooms }, () => server.hocuspocus.getDocumentsCount())
