import type { Inbox, Team } from '../../../shared/schemas/entities.ts'
import type { Account, AgentRecord, DirectoryStore } from '../directory.ts'
import type { StatementCache } from './feed-append.ts'
import { type AgentColumns, type InboxColumns, toAgent, toAgentRecord, toInbox } from '../rows.ts'

export class SqliteDirectoryStore implements DirectoryStore {
  constructor(private readonly statements: StatementCache) {}

  private sql(text: string) {
    return this.statements.sql(text)
  }

  async createAccount(account: Account, now: number): Promise<void> {
    this.sql('INSERT INTO accounts (id, name, created_at) VALUES (?, ?, ?)').run(account.id, account.name, now)
  }

  async getAccount(id: string): Promise<Account | null> {
    return (this.sql('SELECT id, name FROM accounts WHERE id = ?').get(id) as Account | undefined) ?? null
  }

  async countAccounts(): Promise<number> {
    return (this.sql('SELECT count(*) AS n FROM accounts').get() as { n: number }).n
  }

  async createAgent(agent: Omit<AgentRecord, 'active'>, now: number): Promise<void> {
    this.sql(
        'INSERT INTO agents (id, account_id, name, email, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(agent.id, agent.accountId, agent.name, agent.email, agent.role, agent.passwordHash, now)
  }

  async getAgent(id: string): Promise<AgentRecord | null> {
    const r = this.sql('SELECT * FROM agents WHERE id = ?').get(id) as AgentColumns | undefined
    return r ? toAgentRecord(r) : null
  }

  async findAgentByEmail(email: string): Promise<AgentRecord | null> {
    const r = this.sql('SELECT * FROM agents WHERE email = ?').get(email) as AgentColumns | undefined
    return r ? toAgentRecord(r) : null
  }

  async listAgents(accountId: string) {
    const rows = this.sql('SELECT * FROM agents WHERE account_id = ? ORDER BY name').all(accountId) as AgentColumns[]
    return rows.map(toAgent)
  }

  async createTeam(team: Team): Promise<void> {
    this.statements.db.transaction(() => {
      this.sql('INSERT INTO teams (id, account_id, name) VALUES (?, ?, ?)').run(team.id, team.accountId, team.name)
      const member = this.sql('INSERT INTO team_members (team_id, agent_id) VALUES (?, ?)')
      for (const agentId of team.memberIds) member.run(team.id, agentId)
    })()
  }

  async listTeams(accountId: string): Promise<Team[]> {
    const teams = this.sql('SELECT id, account_id, name FROM teams WHERE account_id = ? ORDER BY name').all(accountId) as {
      id: string
      account_id: string
      name: string
    }[]
    const members = this.sql('SELECT agent_id FROM team_members WHERE team_id = ? ORDER BY agent_id')
    return teams.map((t) => ({
      id: t.id,
      accountId: t.account_id,
      name: t.name,
      memberIds: (members.all(t.id) as { agent_id: string }[]).map((m) => m.agent_id),
    }))
  }

  async createInbox(inbox: Omit<Inbox, 'archived'> & { tokenHash: string }, now: number): Promise<void> {
    this.sql('INSERT INTO inboxes (id, account_id, name, channel_type, token_hash, created_at, settings) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(inbox.id, inbox.accountId, inbox.name, inbox.channelType, inbox.tokenHash, now, JSON.stringify(inbox.settings))
  }

  async getInbox(id: string): Promise<Inbox | null> {
    const r = this.sql('SELECT * FROM inboxes WHERE id = ?').get(id) as InboxColumns | undefined
    return r ? toInbox(r) : null
  }

  async findInboxByTokenHash(tokenHash: string): Promise<Inbox | null> {
    const r = this.sql('SELECT * FROM inboxes WHERE token_hash = ?').get(tokenHash) as InboxColumns | undefined
    return r ? toInbox(r) : null
  }

  async updateInboxSettings(id: string, settings: Inbox['settings']): Promise<void> {
    this.sql('UPDATE inboxes SET settings = ? WHERE id = ?').run(JSON.stringify(settings), id)
  }

  async findInboxBySetting(key: keyof Inbox['settings'], value: string): Promise<Inbox | null> {
    const r = this.sql(`SELECT * FROM inboxes WHERE json_extract(settings, '$.' || ?) = ?`).get(key, value) as InboxColumns | undefined
    return r ? toInbox(r) : null
  }

  async listInboxes(accountId: string): Promise<Inbox[]> {
    const rows = this.sql('SELECT * FROM inboxes WHERE account_id = ? ORDER BY created_at, name').all(accountId) as InboxColumns[]
    return rows.map(toInbox)
  }
}
