import type { AdminAgent, AgentPatch } from '../../shared/schemas/admin.ts'
import type { Agent } from '../../shared/schemas/entities.ts'
import type { Store } from '../store/types.ts'
import type { AuthService } from './auth.ts'
import type { ConversationService } from './conversations.ts'
import type { MessageService } from './messages.ts'
import type { Publish } from './publisher.ts'
import { AdminError } from './admin-errors.ts'

export const LAST_ADMIN = 'The last administrator cannot be demoted or deactivated.'

/** An administrator's changes to the account's agents: role, and deactivation (which ends every
 *  session and token of the agent and hands their unresolved conversations back to the team). */
export class AgentAdminService {
  constructor(
    private readonly store: Store,
    private readonly auth: AuthService,
    private readonly conversations: ConversationService,
    private readonly messages: MessageService,
    private readonly publish: Publish,
  ) {}

  list(accountId: string): Promise<AdminAgent[]> {
    return this.store.admin.agentsWithCreatedAt(accountId)
  }

  async update(accountId: string, id: string, patch: AgentPatch): Promise<Agent> {
    const before = await this.store.directory.getAgent(id)
    const result = await this.store.admin.updateAgent(accountId, id, patch)
    if (!result.ok) throw result.reason === 'last_admin' ? new AdminError(409, LAST_ADMIN) : new AdminError(404, 'agent not found')
    this.publish(accountId, result.entries)
    this.auth.forgetAgent(id)
    if (before?.active && !result.agent.active) await this.deactivated(result.agent)
    return result.agent
  }

  private async deactivated(agent: Agent): Promise<void> {
    await this.auth.endAgent(agent.id)
    for (const conversationId of await this.store.admin.unresolvedAssignedTo(agent.accountId, agent.id)) {
      if (await this.conversations.clearIfStill(conversationId, 'assignee', agent.id))
        await this.messages.addActivity(agent.accountId, conversationId, `Unassigned: ${agent.name} was deactivated`)
    }
  }
}
