import type { WebSocket } from 'ws'
import { SESSION_ENDED_CLOSE_CODE, SESSION_ENDED_REASON } from '../../shared/schemas/admin.ts'

export interface SocketSession {
  tokenHash: string
  agentId: string
  expiresAt: number
}

// setTimeout's delay is a signed 32-bit number of ms (~24.8 days); sessions live longer.
const MAX_TIMER_MS = 2 ** 31 - 1
/** A peer that does not answer the close frame is cut off after this. */
const CLOSE_GRACE_MS = 2_000

/** The feed and room sockets each session opened, by token hash and by agent, so that ending a
 *  session (sign-out, password change, deactivation, revoke, expiry) closes them at once: a socket
 *  authenticates only at its upgrade, and would otherwise keep receiving pushes. */
export class SessionSockets {
  private readonly byToken = new Map<string, Set<WebSocket>>()
  private readonly byAgent = new Map<string, Set<WebSocket>>()
  /** The other server processes (server/cluster/), whose sockets of the session must close too. */
  private remote: { closeTokens(hashes: string[]): void; closeAgent(agentId: string): void } | null = null

  connect(remote: NonNullable<SessionSockets['remote']>): void {
    this.remote = remote
  }

  constructor(private readonly now: () => number) {}

  register(ws: WebSocket, session: SocketSession): void {
    add(this.byToken, session.tokenHash, ws)
    add(this.byAgent, session.agentId, ws)
    let timer: NodeJS.Timeout | undefined
    const armExpiry = () => {
      const left = session.expiresAt - this.now()
      if (left <= 0) return endSocket(ws)
      timer = setTimeout(armExpiry, Math.min(left, MAX_TIMER_MS))
      timer.unref()
    }
    armExpiry()
    ws.once('close', () => {
      clearTimeout(timer)
      remove(this.byToken, session.tokenHash, ws)
      remove(this.byAgent, session.agentId, ws)
    })
  }

  closeTokens(tokenHashes: Iterable<string>): void {
    const hashes = [...tokenHashes]
    this.closeTokensHere(hashes)
    if (hashes.length > 0) this.remote?.closeTokens(hashes)
  }

  closeAgent(agentId: string): void {
    this.closeAgentHere(agentId)
    this.remote?.closeAgent(agentId)
  }

  /** This process's sockets only (another process ended the sessions). */
  closeTokensHere(tokenHashes: Iterable<string>): void {
    for (const hash of tokenHashes) for (const ws of [...(this.byToken.get(hash) ?? [])]) endSocket(ws)
  }

  closeAgentHere(agentId: string): void {
    for (const ws of [...(this.byAgent.get(agentId) ?? [])]) endSocket(ws)
  }

  /** Open sockets of a token (tests and diagnostics). */
  openFor(tokenHash: string): number {
    return this.byToken.get(tokenHash)?.size ?? 0
  }
}

function endSocket(ws: WebSocket): void {
  if (ws.readyState === ws.CLOSED) return
  ws.close(SESSION_ENDED_CLOSE_CODE, SESSION_ENDED_REASON)
  setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref()
}

function add(map: Map<string, Set<WebSocket>>, key: string, ws: WebSocket): void {
  let set = map.get(key)
  if (!set) map.set(key, (set = new Set()))
  set.add(ws)
}

function remove(map: Map<string, Set<WebSocket>>, key: string, ws: WebSocket): void {
  const set = map.get(key)
  set?.delete(ws)
  if (set?.size === 0) map.delete(key)
}
