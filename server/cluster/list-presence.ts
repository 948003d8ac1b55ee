import type { ConversationPresence } from '../../shared/presence.ts'

/** For each agent in a conversation's presence, the processes that hold that agent's sockets there. */
export type Holders = Record<string, string[]>

interface Told {
  agents: ConversationPresence['agents']
  holders: Map<string, string[]>
}

/**
 * What this process's feed sockets were last told about who is in each conversation, and which
 * process holds each of those agents' sockets. A list is told by whichever process has the room
 * open; when a process dies, nobody may have it open any more to say that its agents left, so each
 * process takes them out of what it told its own sockets (`departed`). Agents held by a live
 * process stay: only a silent process loses its agents.
 */
export class ListPresence {
  private readonly told = new Map<string, Map<string, Told>>()

  /** A presence push delivered here; `from` published it and holds the agents `holders` omits. */
  record(accountId: string, presence: ConversationPresence, holders: Holders | undefined, from: string): void {
    let account = this.told.get(accountId)
    if (presence.agents.length === 0) {
      account?.delete(presence.conversationId)
      if (account?.size === 0) this.told.delete(accountId)
      return
    }
    if (!account) {
      account = new Map()
      this.told.set(accountId, account)
    }
    const byAgent = new Map(presence.agents.map((agent) => [agent.id, holders?.[agent.id] ?? [from]]))
    account.set(presence.conversationId, { agents: presence.agents, holders: byAgent })
  }

  /** The corrected presence of every conversation where an agent was held only by this process. */
  departed(processId: string): { accountId: string; presence: ConversationPresence }[] {
    const corrected: { accountId: string; presence: ConversationPresence }[] = []
    for (const [accountId, account] of this.told) {
      for (const [conversationId, told] of account) {
        let changed = false
        for (const [agentId, processes] of told.holders) {
          if (!processes.includes(processId)) continue
          const rest = processes.filter((p) => p !== processId)
          if (rest.length > 0) told.holders.set(agentId, rest)
          else {
            told.holders.delete(agentId)
            changed = true
          }
        }
        if (!changed) continue
        told.agents = told.agents.filter((agent) => told.holders.has(agent.id))
        if (told.agents.length === 0) account.delete(conversationId)
        corrected.push({ accountId, presence: { conversationId, agents: told.agents } })
      }
      if (account.size === 0) this.told.delete(accountId)
    }
    return corrected
  }
}
