import type { AgentRecord, Store } from '../store/types.ts'
import type { Clock } from './clock.ts'
import { hashPassword, hashToken, newToken, verifyPassword } from './secrets.ts'

// A fixed hash to verify against when the email is unknown, so that a wrong email and a wrong
// password take the same time and an attacker cannot probe which agents exist.
const DUMMY_HASH = hashPassword('not-a-password')

/** How long a verified token is trusted without asking the store again (sockets reconnecting after a
 *  restart authenticate by the thousand). Signing out on this process drops it at once. */
const CACHE_MS = 30_000
const CACHE_MAX = 10_000

export class AuthService {
  private readonly cache = new Map<string, { agent: AgentRecord; until: number }>()

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly sessionMs: number,
  ) {}

  async verifyCredentials(email: string, password: string): Promise<AgentRecord | null> {
    const agent = await this.store.findAgentByEmail(email)
    const ok = await verifyPassword(password, agent?.passwordHash ?? (await DUMMY_HASH))
    return agent && ok ? agent : null
  }

  /** A new session (cookie) or API token (bearer) for the agent; only its hash is stored. */
  async issue(agent: AgentRecord, kind: 'session' | 'api', label: string | null = null): Promise<string> {
    const token = newToken(kind === 'session' ? 'sess' : 'api')
    const now = this.clock.now()
    await this.store.createSession(hashToken(token), { agentId: agent.id, kind, label, expiresAt: now + this.sessionMs }, now)
    return token
  }

  async authenticate(token: string | undefined): Promise<AgentRecord | null> {
    if (!token || token.length > 200) return null
    const hash = hashToken(token)
    const now = this.clock.now()
    const cached = this.cache.get(hash)
    if (cached && cached.until > now) return cached.agent
    const session = await this.store.getSession(hash)
    if (!session || session.expiresAt <= now) return null
    const agent = await this.store.getAgent(session.agentId)
    if (agent) {
      if (this.cache.size >= CACHE_MAX) this.cache.clear()
      this.cache.set(hash, { agent, until: Math.min(now + CACHE_MS, session.expiresAt) })
    }
    return agent
  }

  async revoke(token: string): Promise<void> {
    const hash = hashToken(token)
    this.cache.delete(hash)
    await this.store.deleteSession(hash)
  }
}
