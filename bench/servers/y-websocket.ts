// Bench entry for the plain reference server: @y/websocket-server 0.1.1's setupWSConnection on a ws
// server, as its own src/server.js does (no persistence: YPERSISTENCE unset). It uses the project's
// ws 8 rather than the ws 6 it bundles, so that all three servers run the same socket library.
import { randomUUID } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer } from 'ws'
import { docs, setupWSConnection } from '@y/websocket-server/utils'
import { envInt, serveHook } from './hook.ts'

const wss = new WebSocketServer({ noServer: true })
wss.on('connection', setupWSConnection)
const server = http.createServer((_req, res) => res.end('okay'))
server.on('upgrade', (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
})
await new Promise<void>((resolve) => server.listen(envInt('PORT', 0), '127.0.0.1', resolve))

const rooms = Array.from({ length: envInt('BENCH_ROOMS', 100) }, () => `conv:${randomUUID()}`)
serveHook({ port: (server.address() as AddressInfo).port, token: null, rooms }, () => docs.size)
