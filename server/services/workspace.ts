import type { Agent, Inbox, Team } from '../../shared/schemas/entities.ts'
import type { AttributeDefinition } from '../../shared/schemas/attributes.ts'
import type { Account, Store } from '../store/types.ts'
import { NotFoundError } from './errors.ts'

/** What a signed-in agent's app loads first: the account, its agents, teams and inboxes. */
export class WorkspaceService {
  constructor(private readonly store: Store) {}

  async of(accountId: string): Promise<{ account: Account; agents: Agent[]; teams: Team[]; inboxes: Inbox[]; attributes: AttributeDefinition[] }> {
    const [account, agents, teams, inboxes, attributes] = await Promise.all([
      this.store.directory.getAccount(accountId),
      this.store.directory.listAgents(accountId),
      this.store.directory.listTeams(accountId),
      this.store.directory.listInboxes(accountId),
      this.store.attributes.list(accountId),
    ])
    if (!account) throw new NotFoundError('account not found')
    return { account, agents, teams, inboxes, attributes }
  }
}
