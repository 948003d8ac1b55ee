import type { ChannelType, Inbox, InboxSettings } from '../../shared/schemas/entities.ts'
import type { AppContext } from '../app-context.ts'
import { hashPassword, hashToken, newToken } from '../services/secrets.ts'
import type { AgentRecord } from '../store/types.ts'

export interface WorkspaceSpec {
  accountName: string
  /** `passwordHash`, if given, is stored as is (tests hash their one password once per process). */
  agents: { name: string; email: string; password: string; passwordHash?: string; role?: 'admin' | 'agent' }[]
  teams: { name: string; memberEmails: string[] }[]
  inboxes: { name: string; channelType: ChannelType; settings?: InboxSettings }[]
}

export interface CreatedWorkspace {
  accountId: string
  agents: AgentRecord[]
  teams: { id: string; name: string }[]
  /** Each inbox with its channel token, shown once: only its hash is stored. */
  inboxes: (Inbox & { token: string })[]
}

/** An account with its agents, teams and inboxes: the demo seed and the tests both start here. */
export async function createWorkspace(ctx: AppContext, spec: WorkspaceSpec): Promise<CreatedWorkspace> {
  const { store, clock } = ctx
  const now = clock.now()
  const accountId = clock.id()
  await store.directory.createAccount({ id: accountId, name: spec.accountName }, now)
  const agents: AgentRecord[] = []
  // A hash costs 128 MiB and a few hundred ms: agents sharing a demo password share its hash.
  const hashes = new Map<string, Promise<string>>()
  const hashOf = (password: string) => hashes.get(password) ?? hashes.set(password, hashPassword(password)).get(password)!
  for (const a of spec.agents) {
    const agent: AgentRecord = {
      id: clock.id(),
      accountId,
      name: a.name,
      email: a.email.toLowerCase(),
      role: a.role ?? 'agent',
      active: true,
      passwordHash: a.passwordHash ?? (await hashOf(a.password)),
    }
    await store.directory.createAgent(agent, now)
    agents.push(agent)
  }
  const teams = []
  for (const t of spec.teams) {
    const team = {
      id: clock.id(),
      accountId,
      name: t.name,
      memberIds: agents.filter((a) => t.memberEmails.includes(a.email)).map((a) => a.id),
    }
    await store.directory.createTeam(team)
    teams.push({ id: team.id, name: team.name })
  }
  const inboxes = []
  for (const i of spec.inboxes) {
    const token = newToken('inbox')
    // A website inbox needs the public key its embed snippet carries.
    const settings: InboxSettings = { ...(i.channelType === 'live_chat' ? { widgetKey: newToken('pk') } : {}), ...i.settings }
    const inbox: Inbox = { id: clock.id(), accountId, name: i.name, channelType: i.channelType, settings, archived: false }
    await store.directory.createInbox({ ...inbox, tokenHash: hashToken(token) }, now)
    inboxes.push({ ...inbox, token })
  }
  return { accountId, agents, teams, inboxes }
}
