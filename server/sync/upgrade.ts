import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'
import type { Socket } from 'node:net'
import { UPGRADE_TIMEOUT_MS } from '../http/server-limits.ts'
import { WebSocketServer, type WebSocket } from 'ws'
import { z } from 'zod'
import { conversationIdOfDoc } from '../../shared/conversation-doc.ts'
import type { AppContext } from '../app-context.ts'
import { bearerToken, tokenOf } from '../http/auth-middleware.ts'
import { serveFeedSocket } from './feed-socket.ts'
import { SyncConnection } from './sync-connection.ts'
import { UnknownConversationError } from './doc-registry.ts'

const MAX_FRAME_BYTES = 2 * 1024 * 1024
const Uuid = z.uuid()

/** The conversation id of a room path (`/sync/conv:<uuid>`), or null. */
function roomConversation(pathname: string): string | null {
  let name: string
  try {
    name = decodeURIComponent(pathname.slice('/sync/'.length))
  } catch {
    return null
  }
  const id = conversationIdOfDoc(name)
  return id && Uuid.safeParse(id).success ? id : null
}
const HEARTBEAT_MS = 30_000

function refuse(socket: Duplex, status: 401 | 403 | 404 | 500, message: string): void {
  const reason = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error' }[status]
  const body = JSON.stringify({ error: message })
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  )
}

/** Cookies ride along on cross-site WebSocket handshakes in some browsers: a cookie-authenticated
 *  socket must come from a page of our own origin. Bearer tokens are not ambient, so they may not;
 *  any other Authorization header (cached Basic credentials) is ambient too, and excuses nothing. */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin
  if (!origin || bearerToken(req.headers.authorization)) return true
  try {
    return new URL(origin).host === req.headers.host
  } catch {
    return false
  }
}

/** WebSocket endpoints: `/sync/conv:<id>` (y-websocket rooms), `/api/feed/live` (feed pushes) and
 *  `/api/widget/live` (a website visitor's pushes, authenticated by the visitor's signed token).
 *  Every upgrade is authenticated, and a room only admits agents of the account that owns it. */
export function attachWebSockets(server: Server, ctx: AppContext): { close(): void } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false })
  const alive = new WeakSet<WebSocket>()

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy())
    // Until ws takes the socket over (it clears this timeout), an upgrade that stalls is dropped.
    ;(socket as Socket).setTimeout(UPGRADE_TIMEOUT_MS, () => socket.destroy())
    void route(req, socket, head).catch((error: unknown) => {
      console.error('websocket upgrade failed', error)
      refuse(socket, 500, 'internal error')
    })
  })

  async function route(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost')
    // The website widget's socket, from any site: nothing ambient authenticates it, so no origin check.
    // Browsers cannot set headers on a WebSocket and URLs end up in logs, so the visitor's token comes
    // as the first frame; WidgetLive closes a socket that does not send a valid one within seconds.
    if (url.pathname === '/api/widget/live') {
      return wss.handleUpgrade(req, socket, head, (ws) => {
        track(ws)
        ctx.widget.live.accept(ws)
      })
    }
    const session = await ctx.auth.session(tokenOf(req.headers))
    if (!session) return refuse(socket, 401, 'sign in required')
    const { agent } = session
    if (!sameOrigin(req)) return refuse(socket, 403, 'cross-origin socket refused')

    if (url.pathname === '/api/feed/live') {
      return wss.handleUpgrade(req, socket, head, (ws) => {
        track(ws)
        ctx.auth.watch(ws, session)
        serveFeedSocket(ws, agent, ctx.bus, ctx.presence)
      })
    }
    if (url.pathname.startsWith('/sync/')) {
      const conversationId = roomConversation(url.pathname)
      if (!conversationId) return refuse(socket, 404, 'no such room')
      // Unknown and foreign rooms get the same answer, so ids of other accounts cannot be probed.
      const live = await ctx.docs.hold(conversationId).catch((error: unknown) => {
        if (error instanceof UnknownConversationError) return null
        throw error
      })
      if (!live || live.accountId !== agent.accountId) {
        if (live) ctx.docs.release(live)
        return refuse(socket, 403, 'not a room of your account')
      }
      try {
        // ws completes the upgrade synchronously here (no verifyClient), or drops a dead socket
        // without calling back: either way the hold can end once this returns.
        wss.handleUpgrade(req, socket, head, (ws) => {
          track(ws)
          ctx.auth.watch(ws, session)
          new SyncConnection(ws, live, ctx.docs, { id: agent.id, name: agent.name })
        })
      } finally {
        ctx.docs.release(live)
      }
      return
    }
    refuse(socket, 404, 'no such endpoint')
  }

  function track(ws: WebSocket): void {
    alive.add(ws)
    ws.on('pong', () => alive.add(ws))
  }

  // Dead peers (a tablet that lost its network) are found by missed pongs and their presence removed.
  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate()
        continue
      }
      alive.delete(ws)
      ws.ping()
    }
  }, HEARTBEAT_MS)
  heartbeat.unref()

  return {
    close() {
      clearInterval(heartbeat)
      for (const ws of wss.clients) ws.terminate()
      wss.close()
    },
  }
}
