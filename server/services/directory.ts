import type { Store } from '../store/types.ts'
import { SYSTEM_AUTHOR } from '../../shared/conversation-doc.ts'

/** Display names for activity lines. */
export class Directory {
  constructor(private readonly store: Store) {}

  async names(accountId: string): Promise<{ agent: (id: string) => string; team: (id: string) => string }> {
    const [agents, teams] = await Promise.all([this.store.listAgents(accountId), this.store.listTeams(accountId)])
    const agentNames = new Map(agents.map((a) => [a.id, a.name]))
    const teamNames = new Map(teams.map((t) => [t.id, t.name]))
    return {
      agent: (id) => (id === SYSTEM_AUTHOR ? 'The system' : (agentNames.get(id) ?? 'A former agent')),
      team: (id) => teamNames.get(id) ?? 'a deleted team',
    }
  }
}
