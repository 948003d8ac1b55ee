import { timingSafeEqual } from 'node:crypto'
import type { AdminAgent, AdminInbox, Directory, Invitation, Role } from '../../../shared/schemas/admin.ts'
import type { Agent, Inbox, Team } from '../../../shared/schemas/entities.ts'
import type { AdminStore, AdminWrite, AgentChange, InboxChange, InvitationRecord, NewAgent } from '../admin.ts'
import { type AgentColumns, type InboxColumns, toAgent, toInbox } from '../rows.ts'
import { directorySnapshot, publishDirectory } from './directory-entry.ts'
import type { PgDb, Sql } from './pg-db.ts'

// Administering an account on PostgreSQL. Where SQLite takes the write lock up front (IMMEDIATE), a
// write here locks the account row first, so the checks (last administrator, team and inbox still
// there) and the change see no other admin change of the account in between, on any process.

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

const errorCode = (error: unknown): string | undefined => (error as { code?: string }).code
const isEmailTaken = (error: unknown): boolean => errorCode(error) === '23505' && (error as { constraint?: string }).constraint === 'agents_email'
const isForeignKeyError = (error: unknown): boolean => errorCode(error) === '23503'

const PENDING = 'accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2'

/** Locks the account row for the rest of the transaction (not its key: rows naming it may still be inserted). */
async function lockAccount(sql: Sql, accountId: string): Promise<boolean> {
  return (await sql.row('SELECT id FROM accounts WHERE id = $1 FOR NO KEY UPDATE', [accountId])) !== undefined
}

async function agentById(sql: Sql, id: string): Promise<Agent | null> {
  const r = await sql.row<AgentColumns>('SELECT * FROM agents WHERE id = $1', [id])
  return r ? toAgent(r) : null
}

async function inboxById(sql: Sql, accountId: string, id: string): Promise<Inbox | null> {
  const r = await sql.row<InboxColumns>('SELECT * FROM inboxes WHERE id = $1 AND account_id = $2', [id, accountId])
  return r ? toInbox(r) : null
}

async function insertAgent(sql: Sql, accountId: string, a: NewAgent, now: number): Promise<void> {
  await sql.run('INSERT INTO agents (id, account_id, name, email, role, password_hash, created_at, active) VALUES ($1, $2, $3, $4, $5, $6, $7, 1)', [
    a.id,
    accountId,
    a.name,
    a.email,
    a.role,
    a.passwordHash,
    now,
  ])
}

async function teamById(sql: Sql, accountId: string, id: string): Promise<Team | null> {
  const team = await sql.row<{ id: string; name: string }>('SELECT id, name FROM teams WHERE id = $1 AND account_id = $2', [id, accountId])
  if (!team) return null
  const members = await sql.rows<{ agent_id: string }>('SELECT agent_id FROM team_members WHERE team_id = $1 ORDER BY agent_id COLLATE "C"', [id])
  return { id: team.id, accountId, name: team.name, memberIds: members.map((m) => m.agent_id) }
}

async function membersFit(sql: Sql, accountId: string, memberIds: string[]): Promise<boolean> {
  const unique = [...new Set(memberIds)]
  const found = await sql.row<{ n: number }>('SELECT count(*) AS n FROM agents WHERE account_id = $1 AND id = ANY($2::text[])', [accountId, unique])
  return found!.n === unique.length
}

async function setMembers(sql: Sql, teamId: string, memberIds: string[]): Promise<void> {
  await sql.run('DELETE FROM team_members WHERE team_id = $1', [teamId])
  const unique = [...new Set(memberIds)]
  if (unique.length > 0) {
    await sql.run('INSERT INTO team_members (team_id, agent_id) SELECT $1, unnest($2::text[])', [teamId, unique])
  }
}

/** Inbound mail finds an inbox by its address across every account: an address names one inbox. The
 *  advisory lock on the address makes two processes giving it to two inboxes at once take turns. */
async function emailTaken(sql: Sql, address: string, exceptId: string): Promise<boolean> {
  await sql.run("SELECT pg_advisory_xact_lock(hashtext('support-inbox:inbox-address:' || lower($1)))", [address])
  const row = await sql.row(`SELECT 1 FROM inboxes WHERE lower(settings::json ->> 'emailAddress') = lower($1) AND id != $2`, [address, exceptId])
  return row !== undefined
}

export class PgAdminStore implements AdminStore {
  constructor(private readonly db: PgDb) {}

  directory(accountId: string): Promise<Directory> {
    return directorySnapshot(this.db, accountId)
  }

  async setupCode(fresh: { code: string; codeHash: string }, now: number, staleBefore: number): Promise<string> {
    return this.db.tx(async (sql) => {
      // One statement, so that processes starting together on an empty table wait on the insert's
      // conflict instead of each writing its own code. A fresh stored row is left alone but locked
      // until commit, so the read below sees it as it stands.
      const replaced = await sql.row<{ code: string }>(
        `INSERT INTO setup_code (id, code_hash, code, created_at) VALUES (1, $1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET code_hash = excluded.code_hash, code = excluded.code, created_at = excluded.created_at
         WHERE setup_code.code IS NULL OR setup_code.created_at < $4
         RETURNING code`,
        [fresh.codeHash, fresh.code, now, staleBefore],
      )
      return replaced?.code ?? (await sql.row<{ code: string }>('SELECT code FROM setup_code WHERE id = 1'))!.code
    })
  }

  async setupCodeMatches(codeHash: string): Promise<boolean> {
    const stored = await this.db.row<{ code_hash: string }>('SELECT code_hash FROM setup_code WHERE id = 1')
    return stored !== undefined && sameHash(stored.code_hash, codeHash)
  }

  async setUp(input: { codeHash: string; accountId: string; accountName: string; agent: NewAgent }, now: number) {
    return this.db.tx(async (sql): Promise<AdminWrite<{ agent: Agent }, 'exists' | 'wrong_code'>> => {
      // There is no account row to lock yet: two processes setting up at once take turns on this lock,
      // and the second then finds the first's account.
      await sql.run("SELECT pg_advisory_xact_lock(hashtext('support-inbox:setup'))")
      if ((await sql.row<{ n: number }>('SELECT count(*) AS n FROM accounts'))!.n > 0) return { ok: false, reason: 'exists' }
      const stored = await sql.row<{ code_hash: string }>('SELECT code_hash FROM setup_code WHERE id = 1')
      if (!stored || !sameHash(stored.code_hash, input.codeHash)) return { ok: false, reason: 'wrong_code' }
      await sql.run('INSERT INTO accounts (id, name, created_at) VALUES ($1, $2, $3)', [input.accountId, input.accountName, now])
      await insertAgent(sql, input.accountId, input.agent, now)
      await sql.run('DELETE FROM setup_code')
      return { ok: true, agent: (await agentById(sql, input.agent.id))!, entries: await publishDirectory(sql, input.accountId) }
    })
  }

  async insertInvitation(i: Omit<InvitationRecord, 'accountName'> & { tokenHash: string }): Promise<void> {
    await this.db.run(
      `INSERT INTO invitations (id, account_id, email, role, token_hash, invited_by, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [i.id, i.accountId, i.email, i.role, i.tokenHash, i.invitedBy, i.createdAt, i.expiresAt],
    )
  }

  async pendingInvitations(accountId: string, now: number): Promise<Invitation[]> {
    const rows = await this.db.rows<InvitationColumns>(`SELECT * FROM invitations WHERE account_id = $1 AND ${PENDING} ORDER BY created_at`, [
      accountId,
      now,
    ])
    return rows.map(toInvitation)
  }

  async pendingInvitationByToken(tokenHash: string, now: number): Promise<InvitationRecord | null> {
    const r = await this.db.row<InvitationColumns & { account_name: string }>(
      `SELECT i.*, a.name AS account_name FROM invitations i JOIN accounts a ON a.id = i.account_id
       WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $2`,
      [tokenHash, now],
    )
    return r ? { ...toInvitation(r), accountId: r.account_id, accountName: r.account_name } : null
  }

  async revokeInvitation(accountId: string, id: string, now: number): Promise<boolean> {
    const changed = await this.db.run(
      'UPDATE invitations SET revoked_at = $1 WHERE id = $2 AND account_id = $3 AND accepted_at IS NULL AND revoked_at IS NULL',
      [now, id, accountId],
    )
    return changed > 0
  }

  async acceptInvitation(tokenHash: string, a: Omit<NewAgent, 'email' | 'role'>, now: number): Promise<AdminWrite<{ agent: Agent }, 'gone' | 'email_taken'>> {
    try {
      return await this.db.tx(async (sql): Promise<AdminWrite<{ agent: Agent }, 'gone' | 'email_taken'>> => {
        // The invitation's row lock: of two acceptances at once, the second finds it accepted.
        const invitation = await sql.row<InvitationColumns>(`SELECT * FROM invitations WHERE token_hash = $1 AND ${PENDING} FOR UPDATE`, [
          tokenHash,
          now,
        ])
        if (!invitation) return { ok: false, reason: 'gone' }
        await lockAccount(sql, invitation.account_id)
        if (await sql.row('SELECT 1 FROM agents WHERE lower(email) = lower($1)', [invitation.email])) return { ok: false, reason: 'email_taken' }
        await sql.run('UPDATE invitations SET accepted_at = $1 WHERE id = $2', [now, invitation.id])
        await insertAgent(sql, invitation.account_id, { ...a, email: invitation.email.toLowerCase(), role: invitation.role as Role }, now)
        return { ok: true, agent: (await agentById(sql, a.id))!, entries: await publishDirectory(sql, invitation.account_id) }
      })
    } catch (error) {
      // The same address joined another account meanwhile: the unique index on lower(email) said no.
      if (isEmailTaken(error)) return { ok: false, reason: 'email_taken' }
      throw error
    }
  }

  async agentsWithCreatedAt(accountId: string): Promise<AdminAgent[]> {
    const rows = await this.db.rows<AgentColumns & { created_at: number }>('SELECT * FROM agents WHERE account_id = $1 ORDER BY name COLLATE "C"', [
      accountId,
    ])
    return rows.map((r) => ({ ...toAgent(r), createdAt: r.created_at }))
  }

  async updateAgent(accountId: string, id: string, change: AgentChange) {
    return this.db.tx(async (sql): Promise<AdminWrite<{ agent: Agent }, 'not_found' | 'last_admin'>> => {
      // Two administrators demoting each other at once: the account lock makes the second see the first's change.
      if (!(await lockAccount(sql, accountId))) return { ok: false, reason: 'not_found' }
      const before = await agentById(sql, id)
      if (!before || before.accountId !== accountId) return { ok: false, reason: 'not_found' }
      const after = { ...before, ...Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)) } as Agent
      const losesAdmin = before.role === 'admin' && before.active && (after.role !== 'admin' || !after.active)
      if (losesAdmin) {
        const others = await sql.row<{ n: number }>(
          `SELECT count(*) AS n FROM agents WHERE account_id = $1 AND role = 'admin' AND active = 1 AND id != $2`,
          [accountId, id],
        )
        if (others!.n === 0) return { ok: false, reason: 'last_admin' }
      }
      await sql.run('UPDATE agents SET name = $1, role = $2, active = $3 WHERE id = $4', [after.name, after.role, after.active ? 1 : 0, id])
      return { ok: true, agent: (await agentById(sql, id))!, entries: await publishDirectory(sql, accountId) }
    })
  }

  async setPasswordHash(agentId: string, passwordHash: string): Promise<void> {
    await this.db.run('UPDATE agents SET password_hash = $1 WHERE id = $2', [passwordHash, agentId])
  }

  async unresolvedAssignedTo(accountId: string, agentId: string): Promise<string[]> {
    const rows = await this.db.rows<{ id: string }>(
      `SELECT id FROM conversations WHERE account_id = $1 AND assignee_id = $2 AND status != 'resolved'`,
      [accountId, agentId],
    )
    return rows.map((r) => r.id)
  }

  getTeam(accountId: string, id: string): Promise<Team | null> {
    return teamById(this.db, accountId, id)
  }

  async insertTeam(team: Team) {
    return this.db.tx(async (sql): Promise<AdminWrite<{ team: Team }, 'bad_member'>> => {
      await lockAccount(sql, team.accountId)
      if (!(await membersFit(sql, team.accountId, team.memberIds))) return { ok: false, reason: 'bad_member' }
      await sql.run('INSERT INTO teams (id, account_id, name) VALUES ($1, $2, $3)', [team.id, team.accountId, team.name])
      await setMembers(sql, team.id, team.memberIds)
      const entries = await publishDirectory(sql, team.accountId)
      return { ok: true, team: (await teamById(sql, team.accountId, team.id))!, entries }
    })
  }

  async updateTeam(accountId: string, id: string, change: { name?: string; memberIds?: string[] }) {
    return this.db.tx(async (sql): Promise<AdminWrite<{ team: Team }, 'not_found' | 'bad_member'>> => {
      await lockAccount(sql, accountId)
      if (!(await sql.row('SELECT 1 FROM teams WHERE id = $1 AND account_id = $2', [id, accountId]))) return { ok: false, reason: 'not_found' }
      if (change.memberIds && !(await membersFit(sql, accountId, change.memberIds))) return { ok: false, reason: 'bad_member' }
      if (change.name !== undefined) await sql.run('UPDATE teams SET name = $1 WHERE id = $2', [change.name, id])
      if (change.memberIds) await setMembers(sql, id, change.memberIds)
      const entries = await publishDirectory(sql, accountId)
      return { ok: true, team: (await teamById(sql, accountId, id))!, entries }
    })
  }

  async deleteTeam(accountId: string, id: string) {
    return this.db.tx(async (sql): Promise<AdminWrite<object, 'not_found'>> => {
      await lockAccount(sql, accountId)
      if (!(await sql.row('SELECT 1 FROM teams WHERE id = $1 AND account_id = $2', [id, accountId]))) return { ok: false, reason: 'not_found' }
      await sql.run('DELETE FROM team_members WHERE team_id = $1', [id])
      await sql.run('DELETE FROM teams WHERE id = $1', [id])
      return { ok: true, entries: await publishDirectory(sql, accountId) }
    })
  }

  async conversationsOfTeam(teamId: string): Promise<string[]> {
    return (await this.db.rows<{ id: string }>('SELECT id FROM conversations WHERE team_id = $1', [teamId])).map((r) => r.id)
  }

  async inboxesWithCounts(accountId: string): Promise<AdminInbox[]> {
    const rows = await this.db.rows<InboxColumns & { conversation_count: number }>(
      `SELECT i.*, (SELECT count(*) FROM conversations c WHERE c.inbox_id = i.id) AS conversation_count
       FROM inboxes i WHERE i.account_id = $1 ORDER BY i.created_at, i.name COLLATE "C"`,
      [accountId],
    )
    return rows.map((r) => ({ ...toInbox(r), conversationCount: r.conversation_count }))
  }

  async insertInbox(inbox: Inbox & { tokenHash: string }, now: number) {
    return this.db.tx(async (sql): Promise<AdminWrite<{ inbox: Inbox }, 'email_taken'>> => {
      await lockAccount(sql, inbox.accountId)
      if (inbox.settings.emailAddress && (await emailTaken(sql, inbox.settings.emailAddress, inbox.id))) return { ok: false, reason: 'email_taken' }
      await sql.run(
        `INSERT INTO inboxes (id, account_id, name, channel_type, token_hash, created_at, settings, archived)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [inbox.id, inbox.accountId, inbox.name, inbox.channelType, inbox.tokenHash, now, JSON.stringify(inbox.settings), inbox.archived ? 1 : 0],
      )
      return { ok: true, inbox: (await inboxById(sql, inbox.accountId, inbox.id))!, entries: await publishDirectory(sql, inbox.accountId) }
    })
  }

  async updateInbox(accountId: string, id: string, change: InboxChange) {
    return this.db.tx(async (sql): Promise<AdminWrite<{ inbox: Inbox }, 'not_found' | 'email_taken' | 'not_email'>> => {
      await lockAccount(sql, accountId)
      const before = await inboxById(sql, accountId, id)
      if (!before) return { ok: false, reason: 'not_found' }
      const settings = { ...before.settings }
      if (change.emailAddress !== undefined) {
        if (before.channelType !== 'email') return { ok: false, reason: 'not_email' }
        if (await emailTaken(sql, change.emailAddress, id)) return { ok: false, reason: 'email_taken' }
        settings.emailAddress = change.emailAddress
      }
      await sql.run('UPDATE inboxes SET name = $1, settings = $2, archived = $3 WHERE id = $4', [
        change.name ?? before.name,
        JSON.stringify(settings),
        (change.archived ?? before.archived) ? 1 : 0,
        id,
      ])
      return { ok: true, inbox: (await inboxById(sql, accountId, id))!, entries: await publishDirectory(sql, accountId) }
    })
  }

  async replaceInboxToken(accountId: string, id: string, tokenHash: string): Promise<'ok' | 'not_found' | 'not_api'> {
    const inbox = await inboxById(this.db, accountId, id)
    if (!inbox) return 'not_found'
    if (inbox.channelType !== 'api') return 'not_api'
    await this.db.run('UPDATE inboxes SET token_hash = $1 WHERE id = $2', [tokenHash, id])
    return 'ok'
  }

  async deleteInbox(accountId: string, id: string): Promise<AdminWrite<object, 'not_found' | 'has_conversations'>> {
    try {
      return await this.db.tx(async (sql): Promise<AdminWrite<object, 'not_found' | 'has_conversations'>> => {
        // The inbox row before the account row: a conversation being made in it holds a key lock on the
        // inbox and then takes the account row for its seq, so this order waits for it instead of deadlocking.
        if (!(await sql.row('SELECT id FROM inboxes WHERE id = $1 AND account_id = $2 FOR UPDATE', [id, accountId]))) return { ok: false, reason: 'not_found' }
        await lockAccount(sql, accountId)
        if (await sql.row('SELECT 1 FROM conversations WHERE inbox_id = $1 LIMIT 1', [id])) return { ok: false, reason: 'has_conversations' }
        await sql.run('DELETE FROM inboxes WHERE id = $1', [id])
        return { ok: true, entries: await publishDirectory(sql, accountId) }
      })
    } catch (error) {
      // Something else still names the inbox (a website visitor's session, a conversation made
      // meanwhile): it is in use, and archiving is the way to retire it.
      if (isForeignKeyError(error)) return { ok: false, reason: 'has_conversations' }
      throw error
    }
  }
}
