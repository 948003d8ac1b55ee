import type { WebSocket } from 'ws'
import type { AgentRecord, SessionRecord, Store } from '../store/types.ts'
import type { SessionSockets } from '../sync/session-sockets.ts'
import type { Clock } from './clock.ts'
import { HASH_SLOTS, hashPassword, hashToken, needsRehash, newToken, verifyPassword } from './secrets.ts'

// A fixed hash to verify against when the email is unknown, so that a wrong email and a wrong
// password take the same time and an attacker cannot probe which agents exist.
const DUMMY_HASH = hashPassword('not-a-password')

/** How long a verified token is trusted without asking the store again (sockets reconnecting after a
 *  restart authenticate by the thousand). Every way a session ends drops it from here at once. */
const CACHE_MS = 30_000
const CACHE_MAX = 10_000
/** An API token's last use is recorded at most this often. */
const TOUCH_GAP_MS = 60_000

export interface AuthenticatedSession {
  agent: AgentRecord
  tokenHash: string
  kind: SessionRecord['kind']
  expiresAt: number
}

export class AuthService {
  private readonly cache = new Map<string, AuthenticatedSession & { until: number }>()
  private readonly touched = new Map<string, number>()
  private purgeTimer: NodeJS.Timeout | undefined

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly sessionMs: number,
    readonly sockets: SessionSockets,
  ) {}

  /** A deactivated agent is refused exactly like an unknown email or a wrong password. */
  async verifyCredentials(email: string, password: string): Promise<AgentRecord | null> {
    const agent = await this.store.directory.findAgentByEmail(email)
    const ok = await verifyPassword(password, agent?.passwordHash ?? (await DUMMY_HASH))
    if (!agent || !ok || !agent.active) return null
    // The password is known only now: the moment to bring a hash of older, weaker parameters up to date.
    // Hashing busy: the sign-in still succeeds, and the next one upgrades.
    if (needsRehash(agent.passwordHash) && HASH_SLOTS.queued === 0) {
      const upgraded = await hashPassword(password)
      if (await this.store.passwords.replaceHash(agent.id, agent.passwordHash, upgraded)) return { ...agent, passwordHash: upgraded }
    }
    return agent
  }

  /** A new session (cookie) or API token (bearer) for the agent; only its hash is stored. */
  async issue(agent: Pick<AgentRecord, 'id'>, kind: 'session' | 'api', label: string | null = null): Promise<string> {
    const token = newToken(kind === 'session' ? 'sess' : 'api')
    const now = this.clock.now()
    await this.store.sessions.createSession(hashToken(token), { agentId: agent.id, kind, label, expiresAt: now + this.sessionMs }, now)
    return token
  }

  async authenticate(token: string | undefined): Promise<AgentRecord | null> {
    return (await this.session(token))?.agent ?? null
  }

  /** The live session a token names, with its active agent; null for anything else. */
  async session(token: string | undefined): Promise<AuthenticatedSession | null> {
    if (!token || token.length > 200) return null
    const hash = hashToken(token)
    const now = this.clock.now()
    const cached = this.cache.get(hash)
    if (cached && cached.until > now) {
      this.touch(hash, now)
      return cached
    }
    const session = await this.store.sessions.getSession(hash)
    if (!session || session.expiresAt <= now) return null
    const agent = await this.store.directory.getAgent(session.agentId)
    if (!agent?.active) return null
    const found: AuthenticatedSession = { agent, tokenHash: hash, kind: session.kind, expiresAt: session.expiresAt }
    if (this.cache.size >= CACHE_MAX) this.cache.clear()
    this.cache.set(hash, { ...found, until: Math.min(now + CACHE_MS, session.expiresAt) })
    this.touch(hash, now)
    return found
  }

  /** Closes the socket when its session ends. Checked again once registered: a session ended while
   *  the upgrade was under way would otherwise leave it open. */
  watch(ws: WebSocket, session: AuthenticatedSession): void {
    this.sockets.register(ws, { tokenHash: session.tokenHash, agentId: session.agent.id, expiresAt: session.expiresAt })
    void this.store.sessions.getSession(session.tokenHash).then((stillThere) => {
      if (!stillThere) this.sockets.closeTokens([session.tokenHash])
    })
  }

  /** Signs out one session or token. */
  async revoke(token: string): Promise<void> {
    const hash = hashToken(token)
    await this.store.sessions.deleteSession(hash)
    this.ended([hash])
  }

  /** Ends one session or token by its hash (the profile's token list names them so). */
  async revokeHash(tokenHash: string): Promise<void> {
    await this.store.sessions.deleteSession(tokenHash)
    this.ended([tokenHash])
  }

  /** Ends every session and token of the agent, except the one of `keepToken` if given. */
  async endAllOf(agentId: string, keepToken?: string): Promise<void> {
    this.ended(await this.store.sessions.endAllOf(agentId, keepToken === undefined ? undefined : hashToken(keepToken)))
    // Signed out on every device (or deactivated): no browser goes on showing their notifications.
    if (keepToken === undefined) await this.store.push.deleteAgentSubscriptions(agentId)
  }

  /** A deactivated agent: every session ends, and any socket of theirs closes whatever opened it. */
  async endAgent(agentId: string): Promise<void> {
    await this.endAllOf(agentId)
    this.forgetAgent(agentId)
    this.sockets.closeAgent(agentId)
  }

  /** The agent's record changed (role, name): cached copies must not outlive it. */
  forgetAgent(agentId: string): void {
    for (const [hash, entry] of this.cache) if (entry.agent.id === agentId) this.cache.delete(hash)
  }

  async purgeExpired(): Promise<number> {
    const hashes = await this.store.sessions.purgeExpired(this.clock.now())
    this.ended(hashes)
    return hashes.length
  }

  /** Expired sessions are deleted every `everyMs` (their sockets close at expiry on their own). */
  startPurging(everyMs: number): void {
    this.purgeTimer = setInterval(() => {
      this.purgeExpired().catch((error: unknown) => console.error('purging expired sessions failed', error))
    }, everyMs)
    this.purgeTimer.unref()
  }

  stopPurging(): void {
    clearInterval(this.purgeTimer)
  }

  private ended(hashes: string[]): void {
    for (const hash of hashes) {
      this.cache.delete(hash)
      this.touched.delete(hash)
    }
    this.sockets.closeTokens(hashes)
  }

  private touch(hash: string, now: number): void {
    const last = this.touched.get(hash)
    if (last !== undefined && now - last < TOUCH_GAP_MS) return
    if (this.touched.size >= CACHE_MAX) this.touched.clear()
    this.touched.set(hash, now)
    this.store.sessions.touch(hash, now, TOUCH_GAP_MS).catch((error: unknown) => console.error('recording a token use failed', error))
  }
}
