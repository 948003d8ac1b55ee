import { timingSafeEqual } from 'node:crypto'
import type Database from 'better-sqlite3'
import type { AdminAgent, AdminInbox, Directory, Invitation, Role } from '../../../shared/schemas/admin.ts'
import type { Agent, Inbox, Team } from '../../../shared/schemas/entities.ts'
import type { AdminStore, AdminWrite, AgentChange, InboxChange, InvitationRecord, NewAgent } from '../admin.ts'
import type { AppendFeed } from './feed-append.ts'
import { type AgentColumns, type InboxColumns, toAgent, toInbox } from '../rows.ts'
import { listAttributeDefinitions } from './attributes.ts'

interface InvitationColumns {
  id: string
  account_id: string
  email: string
  role: string
  invited_by: string
  created_at: number
  expires_at: number
}

const toInvitation = (r: InvitationColumns): Invitation => ({
  id: r.id,
  email: r.email,
  role: r.role as Role,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  invitedBy: r.invited_by,
})

const sameHash = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b))

const isForeignKeyError = (error: unknown): boolean => (error as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY'

export class SqliteAdminStore implements AdminStore {
  constructor(
    private readonly db: Database.Database,
    private readonly appendFeed: AppendFeed,
  ) {}

  private run<T>(change: () => T): T {
    // IMMEDIATE: the checks (no account yet, last administrator…) and the write hold one write lock,
    // also against another process on the same file.
    return this.db.transaction(change).immediate()
  }

  private snapshot(accountId: string): Directory {
    const account = this.db.prepare('SELECT id, name FROM accounts WHERE id = ?').get(accountId) as { id: string; name: string }
    const agents = (this.db.prepare('SELECT * FROM agents WHERE account_id = ? ORDER BY name').all(accountId) as AgentColumns[]).map(toAgent)
    const inboxes = (
      this.db.prepare('SELECT * FROM inboxes WHERE account_id = ? ORDER BY created_at, name').all(accountId) as InboxColumns[]
    ).map(toInbox)
    return { account, agents, teams: this.teams(accountId), inboxes, attributes: listAttributeDefinitions(this.db, accountId) }
  }

  private teams(accountId: string): Team[] {
    const teams = this.db.prepare('SELECT id, name FROM teams WHERE account_id = ? ORDER BY name').all(accountId) as { id: string; name: string }[]
    const members = this.db.prepare('SELECT agent_id FROM team_members WHERE team_id = ? ORDER BY agent_id')
    return teams.map((t) => ({ id: t.id, accountId, name: t.name, memberIds: (members.all(t.id) as { agent_id: string }[]).map((m) => m.agent_id) }))
  }

  /** The account's directory entry, superseding its previous one; call inside the writing transaction
   *  (the attribute definitions' store calls it too). */
  published(accountId: string) {
    const directory = this.snapshot(accountId)
    return [this.appendFeed(accountId, accountId, (seq) => ({ seq, kind: 'directory', directory }))]
  }

  private agent(id: string): Agent | null {
    const r = this.db.prepare('SELECT * FROM agents WHERE id = ?').get(id) as AgentColumns | undefined
    return r ? toAgent(r) : null
  }

  private inbox(accountId: string, id: string): Inbox | null {
    const r = this.db.prepare('SELECT * FROM inboxes WHERE id = ? AND account_id = ?').get(id, accountId) as InboxColumns | undefined
    return r ? toInbox(r) : null
  }

  private insertAgent(accountId: string, a: NewAgent, now: number): void {
    this.db
      .prepare('INSERT INTO agents (id, account_id, name, email, role, password_hash, created_at, active) VALUES (?, ?, ?, ?, ?, ?, ?, 1)')
      .run(a.id, accountId, a.name, a.email, a.role, a.passwordHash, now)
  }

  async directory(accountId: string): Promise<Directory> {
    return this.snapshot(accountId)
  }

  async setupCode(fresh: { code: string; codeHash: string }, now: number, staleBefore: number): Promise<string> {
    return this.run(() => {
      const stored = this.db.prepare('SELECT code, created_at FROM setup_code WHERE id = 1').get() as { code: string | null; created_at: number } | undefined
      if (stored?.code && stored.created_at >= staleBefore) return stored.code
      this.db.prepare('INSERT OR REPLACE INTO setup_code (id, code_hash, code, created_at) VALUES (1, ?, ?, ?)').run(fresh.codeHash, fresh.code, now)
      return fresh.code
    })
  }

  async setupCodeMatches(codeHash: string): Promise<boolean> {
    const stored = this.db.prepare('SELECT code_hash FROM setup_code WHERE id = 1').get() as { code_hash: string } | undefined
    return stored !== undefined && sameHash(stored.code_hash, codeHash)
  }

  async setUp(input: { codeHash: string; accountId: string; accountName: string; agent: NewAgent }, now: number) {
    return this.run((): AdminWrite<{ agent: Agent }, 'exists' | 'wrong_code'> => {
      if ((this.db.prepare('SELECT count(*) AS n FROM accounts').get() as { n: number }).n > 0) return { ok: false, reason: 'exists' }
      const stored = this.db.prepare('SELECT code_hash FROM setup_code WHERE id = 1').get() as { code_hash: string } | undefined
      if (!stored || !sameHash(stored.code_hash, input.codeHash)) return { ok: false, reason: 'wrong_code' }
      this.db.prepare('INSERT INTO accounts (id, name, created_at) VALUES (?, ?, ?)').run(input.accountId, input.accountName, now)
      this.insertAgent(input.accountId, input.agent, now)
      this.db.prepare('DELETE FROM setup_code').run()
      return { ok: true, agent: this.agent(input.agent.id)!, entries: this.published(input.accountId) }
    })
  }

  async insertInvitation(i: Omit<InvitationRecord, 'accountName'> & { tokenHash: string }): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO invitations (id, account_id, email, role, token_hash, invited_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(i.id, i.accountId, i.email, i.role, i.tokenHash, i.invitedBy, i.createdAt, i.expiresAt)
  }

  async pendingInvitations(accountId: string, now: number): Promise<Invitation[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM invitations WHERE account_id = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?
         ORDER BY created_at`,
      )
      .all(accountId, now) as InvitationColumns[]
    return rows.map(toInvitation)
  }

  async pendingInvitationByToken(tokenHash: string, now: number): Promise<InvitationRecord | null> {
    const r = this.db
      .prepare(
        `SELECT i.*, a.name AS account_name FROM invitations i JOIN accounts a ON a.id = i.account_id
         WHERE i.token_hash = ? AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > ?`,
      )
      .get(tokenHash, now) as (InvitationColumns & { account_name: string }) | undefined
    return r ? { ...toInvitation(r), accountId: r.account_id, accountName: r.account_name } : null
  }

  async revokeInvitation(accountId: string, id: string, now: number): Promise<boolean> {
    const changed = this.db
      .prepare('UPDATE invitations SET revoked_at = ? WHERE id = ? AND account_id = ? AND accepted_at IS NULL AND revoked_at IS NULL')
      .run(now, id, accountId)
    return changed.changes > 0
  }

  async acceptInvitation(tokenHash: string, a: Omit<NewAgent, 'email' | 'role'>, now: number) {
    return this.run((): AdminWrite<{ agent: Agent }, 'gone' | 'email_taken'> => {
      const invitation = this.db
        .prepare('SELECT * FROM invitations WHERE token_hash = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?')
        .get(tokenHash, now) as InvitationColumns | undefined
      if (!invitation) return { ok: false, reason: 'gone' }
      if (this.db.prepare('SELECT 1 FROM agents WHERE email = ?').get(invitation.email)) return { ok: false, reason: 'email_taken' }
      this.db.prepare('UPDATE invitations SET accepted_at = ? WHERE id = ?').run(now, invitation.id)
      this.insertAgent(invitation.account_id, { ...a, email: invitation.email.toLowerCase(), role: invitation.role as Role }, now)
      return { ok: true, agent: this.agent(a.id)!, entries: this.published(invitation.account_id) }
    })
  }

  async agentsWithCreatedAt(accountId: string): Promise<AdminAgent[]> {
    const rows = this.db.prepare('SELECT * FROM agents WHERE account_id = ? ORDER BY name').all(accountId) as (AgentColumns & { created_at: number })[]
    return rows.map((r) => ({ ...toAgent(r), createdAt: r.created_at }))
  }

  async updateAgent(accountId: string, id: string, change: AgentChange) {
    return this.run((): AdminWrite<{ agent: Agent }, 'not_found' | 'last_admin'> => {
      const before = this.agent(id)
      if (!before || before.accountId !== accountId) return { ok: false, reason: 'not_found' }
      const after = { ...before, ...Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)) } as Agent
      const losesAdmin = before.role === 'admin' && before.active && (after.role !== 'admin' || !after.active)
      if (losesAdmin) {
        const others = this.db
          .prepare(`SELECT count(*) AS n FROM agents WHERE account_id = ? AND role = 'admin' AND active = 1 AND id != ?`)
          .get(accountId, id) as { n: number }
        if (others.n === 0) return { ok: false, reason: 'last_admin' }
      }
      this.db.prepare('UPDATE agents SET name = ?, role = ?, active = ? WHERE id = ?').run(after.name, after.role, after.active ? 1 : 0, id)
      return { ok: true, agent: this.agent(id)!, entries: this.published(accountId) }
    })
  }

  async setPasswordHash(agentId: string, passwordHash: string): Promise<void> {
    this.db.prepare('UPDATE agents SET password_hash = ? WHERE id = ?').run(passwordHash, agentId)
  }

  async unresolvedAssignedTo(accountId: string, agentId: string): Promise<string[]> {
    const rows = this.db
      .prepare(`SELECT id FROM conversations WHERE account_id = ? AND assignee_id = ? AND status != 'resolved'`)
      .all(accountId, agentId) as { id: string }[]
    return rows.map((r) => r.id)
  }

  private membersFit(accountId: string, memberIds: string[]): boolean {
    const unique = [...new Set(memberIds)]
    const found = this.db
      .prepare('SELECT count(*) AS n FROM agents WHERE account_id = ? AND id IN (SELECT value FROM json_each(?))')
      .get(accountId, JSON.stringify(unique)) as { n: number }
    return found.n === unique.length
  }

  private setMembers(teamId: string, memberIds: string[]): void {
    this.db.prepare('DELETE FROM team_members WHERE team_id = ?').run(teamId)
    const insert = this.db.prepare('INSERT INTO team_members (team_id, agent_id) VALUES (?, ?)')
    for (const agentId of new Set(memberIds)) insert.run(teamId, agentId)
  }

  async getTeam(accountId: string, id: string): Promise<Team | null> {
    return this.teams(accountId).find((t) => t.id === id) ?? null
  }

  async insertTeam(team: Team) {
    return this.run((): AdminWrite<{ team: Team }, 'bad_member'> => {
      if (!this.membersFit(team.accountId, team.memberIds)) return { ok: false, reason: 'bad_member' }
      this.db.prepare('INSERT INTO teams (id, account_id, name) VALUES (?, ?, ?)').run(team.id, team.accountId, team.name)
      this.setMembers(team.id, team.memberIds)
      const entries = this.published(team.accountId)
      return { ok: true, team: this.teams(team.accountId).find((t) => t.id === team.id)!, entries }
    })
  }

  async updateTeam(accountId: string, id: string, change: { name?: string; memberIds?: string[] }) {
    return this.run((): AdminWrite<{ team: Team }, 'not_found' | 'bad_member'> => {
      if (!this.db.prepare('SELECT 1 FROM teams WHERE id = ? AND account_id = ?').get(id, accountId)) return { ok: false, reason: 'not_found' }
      if (change.memberIds && !this.membersFit(accountId, change.memberIds)) return { ok: false, reason: 'bad_member' }
      if (change.name !== undefined) this.db.prepare('UPDATE teams SET name = ? WHERE id = ?').run(change.name, id)
      if (change.memberIds) this.setMembers(id, change.memberIds)
      const entries = this.published(accountId)
      return { ok: true, team: this.teams(accountId).find((t) => t.id === id)!, entries }
    })
  }

  async deleteTeam(accountId: string, id: string) {
    return this.run((): AdminWrite<object, 'not_found'> => {
      if (!this.db.prepare('SELECT 1 FROM teams WHERE id = ? AND account_id = ?').get(id, accountId)) return { ok: false, reason: 'not_found' }
      this.db.prepare('DELETE FROM team_members WHERE team_id = ?').run(id)
      this.db.prepare('DELETE FROM teams WHERE id = ?').run(id)
      return { ok: true, entries: this.published(accountId) }
    })
  }

  async conversationsOfTeam(teamId: string): Promise<string[]> {
    return (this.db.prepare('SELECT id FROM conversations WHERE team_id = ?').all(teamId) as { id: string }[]).map((r) => r.id)
  }

  async inboxesWithCounts(accountId: string): Promise<AdminInbox[]> {
    const rows = this.db
      .prepare(
        `SELECT i.*, (SELECT count(*) FROM conversations c WHERE c.inbox_id = i.id) AS conversation_count
         FROM inboxes i WHERE i.account_id = ? ORDER BY i.created_at, i.name`,
      )
      .all(accountId) as (InboxColumns & { conversation_count: number })[]
    return rows.map((r) => ({ ...toInbox(r), conversationCount: r.conversation_count }))
  }

  /** Inbound mail finds an inbox by its address across every account: an address names one inbox. */
  private emailTaken(address: string, exceptId: string): boolean {
    return !!this.db
      .prepare(`SELECT 1 FROM inboxes WHERE lower(json_extract(settings, '$.emailAddress')) = lower(?) AND id != ?`)
      .get(address, exceptId)
  }

  async insertInbox(inbox: Inbox & { tokenHash: string }, now: number) {
    return this.run((): AdminWrite<{ inbox: Inbox }, 'email_taken'> => {
      if (inbox.settings.emailAddress && this.emailTaken(inbox.settings.emailAddress, inbox.id)) return { ok: false, reason: 'email_taken' }
      this.db
        .prepare(
          'INSERT INTO inboxes (id, account_id, name, channel_type, token_hash, created_at, settings, archived) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(inbox.id, inbox.accountId, inbox.name, inbox.channelType, inbox.tokenHash, now, JSON.stringify(inbox.settings), inbox.archived ? 1 : 0)
      return { ok: true, inbox: this.inbox(inbox.accountId, inbox.id)!, entries: this.published(inbox.accountId) }
    })
  }

  async updateInbox(accountId: string, id: string, change: InboxChange) {
    return this.run((): AdminWrite<{ inbox: Inbox }, 'not_found' | 'email_taken' | 'not_email'> => {
      const before = this.inbox(accountId, id)
      if (!before) return { ok: false, reason: 'not_found' }
      const settings = { ...before.settings }
      if (change.emailAddress !== undefined) {
        if (before.channelType !== 'email') return { ok: false, reason: 'not_email' }
        if (this.emailTaken(change.emailAddress, id)) return { ok: false, reason: 'email_taken' }
        settings.emailAddress = change.emailAddress
      }
      this.db
        .prepare('UPDATE inboxes SET name = ?, settings = ?, archived = ? WHERE id = ?')
        .run(change.name ?? before.name, JSON.stringify(settings), (change.archived ?? before.archived) ? 1 : 0, id)
      return { ok: true, inbox: this.inbox(accountId, id)!, entries: this.published(accountId) }
    })
  }

  async replaceInboxToken(accountId: string, id: string, tokenHash: string): Promise<'ok' | 'not_found' | 'not_api'> {
    const inbox = this.inbox(accountId, id)
    if (!inbox) return 'not_found'
    if (inbox.channelType !== 'api') return 'not_api'
    this.db.prepare('UPDATE inboxes SET token_hash = ? WHERE id = ?').run(tokenHash, id)
    return 'ok'
  }

  async deleteInbox(accountId: string, id: string): Promise<AdminWrite<object, 'not_found' | 'has_conversations'>> {
    try {
      return this.run((): AdminWrite<object, 'not_found' | 'has_conversations'> => {
        if (!this.inbox(accountId, id)) return { ok: false, reason: 'not_found' }
        if (this.db.prepare('SELECT 1 FROM conversations WHERE inbox_id = ? LIMIT 1').get(id)) return { ok: false, reason: 'has_conversations' }
        this.db.prepare('DELETE FROM inboxes WHERE id = ?').run(id)
        return { ok: true, entries: this.published(accountId) }
      })
    } catch (error) {
      // Something else still names the inbox (a website visitor's session): it is in use, like an
      // inbox with conversations, and archiving is the way to retire it.
      if (isForeignKeyError(error)) return { ok: false, reason: 'has_conversations' }
      throw error
    }
  }
}
