import type { ApiToken } from '../../shared/schemas/admin.ts'
import type { Agent } from '../../shared/schemas/entities.ts'
import type { AgentRecord, Store } from '../store/types.ts'
import type { AuthService } from './auth.ts'
import type { Publish } from './publisher.ts'
import { AdminError } from './admin-errors.ts'
import { hashPassword, verifyPassword } from './secrets.ts'

/** What an agent changes about themselves: name, password, and their sessions and API tokens. */
export class ProfileService {
  constructor(
    private readonly store: Store,
    private readonly auth: AuthService,
    private readonly publish: Publish,
  ) {}

  async rename(agent: AgentRecord, name: string): Promise<Agent> {
    const result = await this.store.admin.updateAgent(agent.accountId, agent.id, { name })
    if (!result.ok) throw new AdminError(404, 'agent not found')
    this.publish(agent.accountId, result.entries)
    this.auth.forgetAgent(agent.id)
    return result.agent
  }

  /** Every other session and every API token ends; the one making the change (`currentToken`) goes on. */
  async changePassword(agent: AgentRecord, currentToken: string, currentPassword: string, newPassword: string): Promise<void> {
    const stored = await this.store.directory.getAgent(agent.id)
    if (!stored || !(await verifyPassword(currentPassword, stored.passwordHash)))
      throw new AdminError(403, 'The current password is not right.', 'currentPassword')
    await this.store.admin.setPasswordHash(agent.id, await hashPassword(newPassword))
    await this.auth.endAllOf(agent.id, currentToken)
  }

  signOutEverywhere(agent: AgentRecord): Promise<void> {
    return this.auth.endAllOf(agent.id)
  }

  async tokens(agent: AgentRecord): Promise<ApiToken[]> {
    return (await this.store.sessions.apiTokensOf(agent.id)).map(({ tokenHash: _omit, ...token }) => token)
  }

  async revokeToken(agent: AgentRecord, id: string): Promise<void> {
    const token = (await this.store.sessions.apiTokensOf(agent.id)).find((t) => t.id === id)
    if (!token) throw new AdminError(404, 'token not found')
    await this.auth.revokeHash(token.tokenHash)
  }
}
