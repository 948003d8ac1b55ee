import type { Agent, Inbox, Team } from '../../shared/schemas/entities.ts'

// Accounts and who and what they hold: agents, teams, inboxes. The writes here are the bare inserts
// setup and tests use; admin changes that clients must see (and their `directory` feed entries) are
// the AdminStore's.

export interface Account {
  id: string
  name: string
}

export interface AgentRecord extends Agent {
  passwordHash: string
}

export interface DirectoryStore {
  createAccount(account: Account, now: number): Promise<void>
  getAccount(id: string): Promise<Account | null>
  countAccounts(): Promise<number>

  createAgent(agent: Omit<AgentRecord, 'active'>, now: number): Promise<void>
  getAgent(id: string): Promise<AgentRecord | null>
  findAgentByEmail(email: string): Promise<AgentRecord | null>
  listAgents(accountId: string): Promise<Agent[]>

  createTeam(team: Team): Promise<void>
  listTeams(accountId: string): Promise<Team[]>

  createInbox(inbox: Omit<Inbox, 'archived'> & { tokenHash: string }, now: number): Promise<void>
  getInbox(id: string): Promise<Inbox | null>
  findInboxByTokenHash(tokenHash: string): Promise<Inbox | null>
  listInboxes(accountId: string): Promise<Inbox[]>
  updateInboxSettings(id: string, settings: Inbox['settings']): Promise<void>
  /** The inbox whose settings hold this value (an email address, a widget key). */
  findInboxBySetting(key: keyof Inbox['settings'], value: string): Promise<Inbox | null>
}
