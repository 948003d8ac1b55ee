import { z } from 'zod'
import { Agent, ChannelType, Id, Inbox, Team, Timestamp } from './entities.ts'
import { AttributeDefinition } from './attributes.ts'

// Administering a workspace (first-run setup, invitations, agents, teams, inboxes) and an agent's own
// profile: the requests and answers of those routes, shared by the server and the app.

/** Who may call a route, as each route declares it (`x-access` in the OpenAPI document). */
export const Access = z.enum(['public', 'agent', 'admin', 'inbox-token', 'visitor'])
export type Access = z.infer<typeof Access>

export const Role = z.enum(['admin', 'agent'])
export type Role = z.infer<typeof Role>

export const PASSWORD_MIN = 8
export const Password = z.string().min(PASSWORD_MIN, `at least ${PASSWORD_MIN} characters`).max(1000)
export const PersonName = z.string().trim().min(1, 'a name is required').max(200)
export const EmailAddress = z.email().max(320)

export const Ok = z.object({ ok: z.literal(true) })

/** The account and who and what is in it, as the feed carries it (superseding per account). */
export const Directory = z.object({
  account: z.object({ id: Id, name: z.string() }),
  agents: z.array(Agent),
  teams: z.array(Team),
  inboxes: z.array(Inbox),
  /** Contact custom attributes the administrators defined; absent from entries stored before them. */
  attributes: z.array(AttributeDefinition).default([]),
})
export type Directory = z.infer<typeof Directory>

// ---- First-run setup (DEMO=0, empty database)

export const SetupStatus = z.object({ needed: z.boolean() })
export type SetupStatus = z.infer<typeof SetupStatus>

export const SetupRequest = z.object({
  code: z.string().trim().min(1, 'the setup code is required').max(200),
  workspaceName: z.string().trim().min(1, 'a workspace name is required').max(200),
  name: PersonName,
  email: EmailAddress,
  password: Password,
})
export type SetupRequest = z.infer<typeof SetupRequest>

export const AgentResult = z.object({ agent: Agent })
export type AgentResult = z.infer<typeof AgentResult>

// ---- Invitations

export const Invitation = z.object({
  id: Id,
  email: z.string(),
  role: Role,
  createdAt: Timestamp,
  expiresAt: Timestamp,
  /** The id of the agent who invited. */
  invitedBy: Id,
})
export type Invitation = z.infer<typeof Invitation>

export const InvitationList = z.object({ invitations: z.array(Invitation) })
export type InvitationList = z.infer<typeof InvitationList>

export const NewInvitation = z.object({ email: EmailAddress, role: Role })
export type NewInvitation = z.infer<typeof NewInvitation>

export const NewInvitationResult = z.object({
  invitation: Invitation,
  /** The absolute link `<origin>/invite/<token>`; shown to the administrator to copy. */
  url: z.string(),
  /** Whether it was also mailed (SMTP_URL set). */
  mailed: z.boolean(),
})
export type NewInvitationResult = z.infer<typeof NewInvitationResult>

export const InvitationPreview = z.object({ workspaceName: z.string(), email: z.string(), role: Role })
export type InvitationPreview = z.infer<typeof InvitationPreview>

export const AcceptInvitation = z.object({ name: PersonName, password: Password })
export type AcceptInvitation = z.infer<typeof AcceptInvitation>

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000

// ---- Agents

export const AdminAgent = Agent.extend({ createdAt: Timestamp })
export type AdminAgent = z.infer<typeof AdminAgent>

export const AgentList = z.object({ agents: z.array(AdminAgent) })
export type AgentList = z.infer<typeof AgentList>

export const AgentPatch = z.object({ role: Role.optional(), active: z.boolean().optional() })
export type AgentPatch = z.infer<typeof AgentPatch>

// ---- Teams

export const TeamName = z.string().trim().min(1, 'a team name is required').max(100)

export const NewTeam = z.object({ name: TeamName, memberIds: z.array(Id).max(1000).optional() })
export type NewTeam = z.infer<typeof NewTeam>

/** `memberIds` replaces the set. */
export const TeamPatch = z.object({ name: TeamName.optional(), memberIds: z.array(Id).max(1000).optional() })
export type TeamPatch = z.infer<typeof TeamPatch>

export const TeamResult = z.object({ team: Team })
export type TeamResult = z.infer<typeof TeamResult>

// ---- Inboxes

export const InboxName = z.string().trim().min(1, 'an inbox name is required').max(100)

export const AdminInbox = Inbox.extend({ conversationCount: z.number().int().nonnegative() })
export type AdminInbox = z.infer<typeof AdminInbox>

export const InboxList = z.object({ inboxes: z.array(AdminInbox) })
export type InboxList = z.infer<typeof InboxList>

export const NewInbox = z
  .object({ name: InboxName, channelType: ChannelType, emailAddress: EmailAddress.optional() })
  .refine((i) => i.channelType !== 'email' || i.emailAddress !== undefined, {
    message: 'an email inbox needs its address',
    path: ['emailAddress'],
  })
export type NewInbox = z.infer<typeof NewInbox>

export const NewInboxResult = z.object({
  inbox: Inbox,
  /** An API inbox's token, shown this once. */
  token: z.string().optional(),
})
export type NewInboxResult = z.infer<typeof NewInboxResult>

export const InboxPatch = z.object({ name: InboxName.optional(), emailAddress: EmailAddress.optional(), archived: z.boolean().optional() })
export type InboxPatch = z.infer<typeof InboxPatch>

export const InboxResult = z.object({ inbox: Inbox })
export type InboxResult = z.infer<typeof InboxResult>

export const InboxToken = z.object({ token: z.string() })
export type InboxToken = z.infer<typeof InboxToken>

// ---- Profile

export const ProfilePatch = z.object({ name: PersonName })
export type ProfilePatch = z.infer<typeof ProfilePatch>

export const PasswordChange = z.object({ currentPassword: z.string().min(1).max(1000), newPassword: Password })
export type PasswordChange = z.infer<typeof PasswordChange>

export const ApiToken = z.object({
  id: Id,
  label: z.string().nullable(),
  createdAt: Timestamp,
  /** Updated at most once a minute. */
  lastUsedAt: Timestamp.nullable(),
  expiresAt: Timestamp,
})
export type ApiToken = z.infer<typeof ApiToken>

export const ApiTokenList = z.object({ tokens: z.array(ApiToken) })
export type ApiTokenList = z.infer<typeof ApiTokenList>

/** Close code of a feed or room socket whose session ended (sign-out, expiry, deactivation…). */
export const SESSION_ENDED_CLOSE_CODE = 4401
export const SESSION_ENDED_REASON = 'session ended'
