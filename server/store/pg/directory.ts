import type { Inbox, Team } from '../../../shared/schemas/entities.ts'
import type { Account, AgentRecord, DirectoryStore } from '../directory.ts'
import { type AgentColumns, type InboxColumns, toAgent, toAgentRecord, toInbox } from '../rows.ts'
import type { PgDb } from './pg-db.ts'

// Lists sort with COLLATE "C", as SQLite's binary collation does, so both stores list in one order.
// Emails match case-insensitively through lower(), where SQLite's column is COLLATE NOCASE.

export class PgDirectoryStore implements DirectoryStore {
  constructor(private readonly db: PgDb) {}

  async createAccount(account: Account, now: number): Promise<void> {
    await this.db.run('INSERT INTO accounts (id, name, created_at) VALUES ($1, $2, $3)', [account.id, account.name, now])
  }

  async getAccount(id: string): Promise<Account | null> {
    return (await this.db.row<Account>('SELECT id, name FROM accounts WHERE id = $1', [id])) ?? null
  }

  async countAccounts(): Promise<number> {
    return (await this.db.row<{ n: number }>('SELECT count(*)::int AS n FROM accounts'))!.n
  }

  async createAgent(agent: Omit<AgentRecord, 'active'>, now: number): Promise<void> {
    await this.db.run('INSERT INTO agents (id, account_id, name, email, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      agent.id,
      agent.accountId,
      agent.name,
      agent.email,
      agent.role,
      agent.passwordHash,
      now,
    ])
  }

  async getAgent(id: string): Promise<AgentRecord | null> {
    const r = await this.db.row<AgentColumns>('SELECT * FROM agents WHERE id = $1', [id])
    return r ? toAgentRecord(r) : null
  }

  async findAgentByEmail(email: string): Promise<AgentRecord | null> {
    const r = await this.db.row<AgentColumns>('SELECT * FROM agents WHERE lower(email) = lower($1)', [email])
    return r ? toAgentRecord(r) : null
  }

  async listAgents(accountId: string) {
    const rows = await this.db.rows<AgentColumns>('SELECT * FROM agents WHERE account_id = $1 ORDER BY name COLLATE "C"', [accountId])
    return rows.map(toAgent)
  }

  async createTeam(team: Team): Promise<void> {
    await this.db.tx(async (sql) => {
      await sql.run('INSERT INTO teams (id, account_id, name) VALUES ($1, $2, $3)', [team.id, team.accountId, team.name])
      for (const agentId of team.memberIds) await sql.run('INSERT INTO team_members (team_id, agent_id) VALUES ($1, $2)', [team.id, agentId])
    })
  }

  async listTeams(accountId: string): Promise<Team[]> {
    const teams = await this.db.rows<{ id: string; account_id: string; name: string }>(
      'SELECT id, account_id, name FROM teams WHERE account_id = $1 ORDER BY name COLLATE "C"',
      [accountId],
    )
    const members = await this.db.rows<{ team_id: string; agent_id: string }>(
      'SELECT m.team_id, m.agent_id FROM team_members m JOIN teams t ON t.id = m.team_id WHERE t.account_id = $1 ORDER BY m.agent_id COLLATE "C"',
      [accountId],
    )
    return teams.map((t) => ({
      id: t.id,
      accountId: t.account_id,
      name: t.name,
      memberIds: members.filter((m) => m.team_id === t.id).map((m) => m.agent_id),
    }))
  }

  async createInbox(inbox: Omit<Inbox, 'archived'> & { tokenHash: string }, now: number): Promise<void> {
    await this.db.run(
      'INSERT INTO inboxes (id, account_id, name, channel_type, token_hash, created_at, settings) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [inbox.id, inbox.accountId, inbox.name, inbox.channelType, inbox.tokenHash, now, JSON.stringify(inbox.settings)],
    )
  }

  async getInbox(id: string): Promise<Inbox | null> {
    const r = await this.db.row<InboxColumns>('SELECT * FROM inboxes WHERE id = $1', [id])
    return r ? toInbox(r) : null
  }

  async findInboxByTokenHash(tokenHash: string): Promise<Inbox | null> {
    const r = await this.db.row<InboxColumns>('SELECT * FROM inboxes WHERE token_hash = $1', [tokenHash])
    return r ? toInbox(r) : null
  }

  async updateInboxSettings(id: string, settings: Inbox['settings']): Promise<void> {
    await this.db.run('UPDATE inboxes SET settings = $1 WHERE id = $2', [JSON.stringify(settings), id])
  }

  async findInboxBySetting(key: keyof Inbox['settings'], value: string): Promise<Inbox | null> {
    // ->> gives the value as text, as json_extract compares it on SQLite. Settings are TEXT holding JSON.
    const r = await this.db.row<InboxColumns>('SELECT * FROM inboxes WHERE settings::jsonb ->> $1 = $2 LIMIT 1', [key, value])
    return r ? toInbox(r) : null
  }

  async listInboxes(accountId: string): Promise<Inbox[]> {
    const rows = await this.db.rows<InboxColumns>('SELECT * FROM inboxes WHERE account_id = $1 ORDER BY created_at, name COLLATE "C"', [accountId])
    return rows.map(toInbox)
  }
}
