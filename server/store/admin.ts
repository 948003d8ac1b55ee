import type { AdminAgent, AdminInbox, Directory, Invitation, Role } from '../../shared/schemas/admin.ts'
import type { Agent, Inbox, Team } from '../../shared/schemas/entities.ts'
import type { FeedEntry } from '../../shared/schemas/feed.ts'

// Administering an account: first-run setup, invitations, agents, teams and inboxes. Every change to
// who or what is in an account appends a `directory` feed entry (superseding per account) in the same
// transaction, so every device learns it through the feed.

export type AdminWrite<T, Reason extends string> = ({ ok: true; entries: FeedEntry[] } & T) | { ok: false; reason: Reason }

export interface NewAgent {
  id: string
  name: string
  email: string
  role: Role
  passwordHash: string
}

export interface InvitationRecord extends Invitation {
  accountId: string
  accountName: string
}

export interface AgentChange {
  name?: string
  role?: Role
  active?: boolean
}

export interface InboxChange {
  name?: string
  emailAddress?: string
  archived?: boolean
}

export interface AdminStore {
  /** The account's current directory, as the feed carries it. */
  directory(accountId: string): Promise<Directory>

  /** The one setup code of the service (issue 11), in one transaction: the stored code, unless there is
   *  none, it was made before `staleBefore`, or only its hash is stored; then `fresh` replaces it (made
   *  at `now`). Processes asking at once get the same code. */
  setupCode(fresh: { code: string; codeHash: string }, now: number, staleBefore: number): Promise<string>
  /** Whether this is the stored setup code's hash (checked again inside setUp). */
  setupCodeMatches(codeHash: string): Promise<boolean>
  /** The account and its first administrator, in one transaction that first checks no account exists
   *  and the code is the stored one; the code is deleted with it. */
  setUp(
    input: { codeHash: string; accountId: string; accountName: string; agent: NewAgent },
    now: number,
  ): Promise<AdminWrite<{ agent: Agent }, 'exists' | 'wrong_code'>>

  insertInvitation(invitation: Omit<InvitationRecord, 'accountName'> & { tokenHash: string }): Promise<void>
  /** Pending: neither accepted nor revoked nor expired at `now`. */
  pendingInvitations(accountId: string, now: number): Promise<Invitation[]>
  pendingInvitationByToken(tokenHash: string, now: number): Promise<InvitationRecord | null>
  revokeInvitation(accountId: string, id: string, now: number): Promise<boolean>
  /** Marks the invitation used and creates its agent, in one transaction. */
  acceptInvitation(tokenHash: string, agent: Omit<NewAgent, 'email' | 'role'>, now: number): Promise<AdminWrite<{ agent: Agent }, 'gone' | 'email_taken'>>

  agentsWithCreatedAt(accountId: string): Promise<AdminAgent[]>
  /** The last active administrator of an account can be neither demoted nor deactivated. */
  updateAgent(accountId: string, id: string, change: AgentChange): Promise<AdminWrite<{ agent: Agent }, 'not_found' | 'last_admin'>>
  setPasswordHash(agentId: string, passwordHash: string): Promise<void>
  /** Open, pending and snoozed conversations assigned to the agent. */
  unresolvedAssignedTo(accountId: string, agentId: string): Promise<string[]>

  insertTeam(team: Team): Promise<AdminWrite<{ team: Team }, 'bad_member'>>
  updateTeam(accountId: string, id: string, change: { name?: string; memberIds?: string[] }): Promise<AdminWrite<{ team: Team }, 'not_found' | 'bad_member'>>
  deleteTeam(accountId: string, id: string): Promise<AdminWrite<object, 'not_found'>>
  getTeam(accountId: string, id: string): Promise<Team | null>
  conversationsOfTeam(teamId: string): Promise<string[]>

  inboxesWithCounts(accountId: string): Promise<AdminInbox[]>
  insertInbox(inbox: Inbox & { tokenHash: string }, now: number): Promise<AdminWrite<{ inbox: Inbox }, 'email_taken'>>
  updateInbox(accountId: string, id: string, change: InboxChange): Promise<AdminWrite<{ inbox: Inbox }, 'not_found' | 'email_taken' | 'not_email'>>
  /** Replaces an API inbox's token hash: the old token stops at once. */
  replaceInboxToken(accountId: string, id: string, tokenHash: string): Promise<'ok' | 'not_found' | 'not_api'>
  deleteInbox(accountId: string, id: string): Promise<AdminWrite<object, 'not_found' | 'has_conversations'>>
}
