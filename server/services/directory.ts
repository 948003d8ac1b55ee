import type { Store } from '../store/types.ts'
import { SYSTEM_AUTHOR } from '../../shared/conversation-doc.ts'
import type { Actor } from '../../shared/status-rules.ts'

export interface AccountDirectory {
  agent(id: string): string
  team(id: string): string
  actor(id: string): Actor
  isAgent(id: string): boolean
  /** An agent of the account who is not deactivated: the only ones a conversation may be given to. */
  isActiveAgent(id: string): boolean
  isTeam(id: string): boolean
}

/** The account's agents and teams by id: display names for activity lines, and membership checks. */
export class Directory {
  constructor(private readonly store: Store) {}

  async load(accountId: string): Promise<AccountDirectory> {
    const [agents, teams] = await Promise.all([this.store.directory.listAgents(accountId), this.store.directory.listTeams(accountId)])
    const agentNames = new Map(agents.map((a) => [a.id, a.name]))
    const teamNames = new Map(teams.map((t) => [t.id, t.name]))
    const active = new Set(agents.filter((a) => a.active).map((a) => a.id))
    const agent = (id: string) => (id === SYSTEM_AUTHOR ? 'The system' : (agentNames.get(id) ?? 'A former agent'))
    return {
      agent,
      team: (id) => teamNames.get(id) ?? 'a deleted team',
      actor: (id) => ({ id, name: agent(id) }),
      isAgent: (id) => agentNames.has(id),
      isActiveAgent: (id) => active.has(id),
      isTeam: (id) => teamNames.has(id),
    }
  }
}
