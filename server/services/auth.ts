import type { AgentRecord, Store } from '../store/types.ts'
import type { Clock } from './clock.ts'
import { hashPassword, hashToken, newToken, verifyPassword } from './secrets.ts'

// A fixed hash to verify against when the email is unknown, so that a wrong email and a wrong
// password take the same time and an attacker cannot probe which agents exist.
const DUMMY_HASH = hashPassword('not-a-password')

export class AuthService {
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
    const session = await this.store.getSession(hashToken(token))
    if (!session || session.expiresAt <= this.clock.now()) return null
    return this.store.getAgent(session.agentId)
  }

  async revoke(token: string): Promise<void> {
    await this.store.deleteSession(hashToken(token))
  }
}
