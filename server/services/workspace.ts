import type { Agent, Inbox, Team } from '../../shared/schemas/entities.ts'
import type { Account, Store } from '../store/types.ts'
import { NotFoundError } from './errors.ts'

/** What a signed-in agent's app loads first: the account, its agents, teams and inboxes. */
export class WorkspaceService {
  constructor(private readonly store: Store) {}

  async of(accountId: string): Promise<{ account: Account; agents: Agent[]; teams: Team[]; inboxes: Inbox[] }> {
    const [account, agents, teams, inboxes] = await Promise.all([
      this.store.directory.getAccount(accountId),
      this.store.directory.listAgents(accountId),
      this.store.directory.listTeams(accountId),
      this.store.directory.listInboxes(accountId),
    ])
    if (!account) throw new NotFoundError('account not found')
    return { account, agents, teams, inboxes }
  }
}
