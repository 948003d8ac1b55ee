import { INVITATION_TTL_MS, type AcceptInvitation, type Invitation, type InvitationPreview, type NewInvitation } from '../../shared/schemas/admin.ts'
import type { Agent } from '../../shared/schemas/entities.ts'
import type { AgentRecord, Store } from '../store/types.ts'
import type { AuthService } from './auth.ts'
import type { Clock } from './clock.ts'
import type { Publish } from './publisher.ts'
import { AdminError } from './admin-errors.ts'
import { hashPassword, hashToken, newToken } from './secrets.ts'
import type { InvitationMailer } from './invitation-mail.ts'

export const INVITATION_GONE = 'This invitation has expired or was revoked. Ask your administrator for a new one.'

/** Invitation links: an administrator makes one per email and role; the link works once, for 7 days,
 *  until revoked. Only the token's hash is stored. */
export class InvitationService {
  constructor(
    private readonly store: Store,
    private readonly auth: AuthService,
    private readonly clock: Clock,
    private readonly publish: Publish,
    private readonly mailer: InvitationMailer | null,
  ) {}

  list(accountId: string): Promise<Invitation[]> {
    return this.store.admin.pendingInvitations(accountId, this.clock.now())
  }

  async create(admin: AgentRecord, input: NewInvitation, origin: string): Promise<{ invitation: Invitation; url: string; mailed: boolean }> {
    const email = input.email.toLowerCase()
    if (await this.store.directory.findAgentByEmail(email)) throw new AdminError(409, 'An agent with this email already exists.', 'email')
    const token = newToken('inv')
    const now = this.clock.now()
    const invitation: Invitation = { id: this.clock.id(), email, role: input.role, createdAt: now, expiresAt: now + INVITATION_TTL_MS, invitedBy: admin.id }
    await this.store.admin.insertInvitation({ ...invitation, accountId: admin.accountId, tokenHash: hashToken(token) })
    const url = `${origin}/invite/${token}`
    let mailed = false
    if (this.mailer) {
      const account = await this.store.directory.getAccount(admin.accountId)
      mailed = await this.mailer.send({ to: email, url, workspaceName: account?.name ?? 'the workspace', invitedBy: admin })
    }
    return { invitation, url, mailed }
  }

  async revoke(accountId: string, id: string): Promise<void> {
    if (!(await this.store.admin.revokeInvitation(accountId, id, this.clock.now()))) throw new AdminError(404, 'invitation not found')
  }

  async preview(token: string): Promise<InvitationPreview> {
    const found = await this.store.admin.pendingInvitationByToken(hashToken(token), this.clock.now())
    if (!found) throw new AdminError(404, INVITATION_GONE)
    return { workspaceName: found.accountName, email: found.email, role: found.role }
  }

  /** The new agent, signed in: the answer's token is their session. */
  async accept(token: string, input: AcceptInvitation): Promise<{ agent: Agent; token: string }> {
    const tokenHash = hashToken(token)
    if (!(await this.store.admin.pendingInvitationByToken(tokenHash, this.clock.now()))) throw new AdminError(404, INVITATION_GONE)
    const id = this.clock.id()
    const result = await this.store.admin.acceptInvitation(tokenHash, { id, name: input.name, passwordHash: await hashPassword(input.password) }, this.clock.now())
    if (!result.ok) {
      throw result.reason === 'gone' ? new AdminError(404, INVITATION_GONE) : new AdminError(409, 'An agent with this email already exists. Sign in instead.')
    }
    this.publish(result.agent.accountId, result.entries)
    return { agent: result.agent, token: await this.auth.issue({ id }, 'session') }
  }
}
