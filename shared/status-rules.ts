import type { ConversationState } from './project-conversation.ts'
import type { Status } from './conversation-doc.ts'

// The domain's rules above the CRDT (DESIGN §4 rules 3 and 4), as pure functions of state, seqs and
// the current time, so that server, client and property tests apply exactly the same ones.

/** Rule 4: a snoozed conversation is due at its time, on every device, even offline. */
export function isSnoozeDue(state: ConversationState, now: number): boolean {
  return state.status === 'snoozed' && state.snoozedUntil !== null && state.snoozedUntil <= now
}

/** What an agent should see: a snooze whose time has passed shows as open before the server's wake-up
 *  reaches the device. */
export function effectiveStatus(state: ConversationState, now: number): Status {
  return isSnoozeDue(state, now) ? 'open' : state.status
}

/** Rule 3: a non-open status chosen without having seen the newest customer message is stale. */
export function isStaleStatus(state: ConversationState, lastCustomerMessageSeq: number): boolean {
  return state.status !== 'open' && state.statusSeenSeq < lastCustomerMessageSeq
}

/** Rule 4: a customer message reopens a Resolved, Pending or Snoozed conversation. */
export function reopensOnCustomerMessage(state: ConversationState): boolean {
  return state.status !== 'open'
}

export type NameOf = (agentOrTeamId: string) => string

/** Who made a change: an agent's id (or SYSTEM_AUTHOR) and display name. */
export interface Actor {
  id: string
  name: string
}

const statusVerb: Record<Status, string> = {
  open: 'reopened the conversation',
  pending: 'marked the conversation as pending',
  snoozed: 'snoozed the conversation',
  resolved: 'resolved the conversation',
}

/** Activity lines for the timeline: every status and assignment change leaves one. */
export function describeChange(
  before: ConversationState,
  after: ConversationState,
  /** Whoever wrote each field's new value. */
  actors: { status: Actor; assignee: Actor; team: Actor },
  names: { agent: NameOf; team: NameOf },
  formatTime: (ms: number) => string,
): string[] {
  const lines: string[] = []
  if (before.status !== after.status || before.snoozedUntil !== after.snoozedUntil) {
    const until = after.status === 'snoozed' && after.snoozedUntil !== null ? ` until ${formatTime(after.snoozedUntil)}` : ''
    lines.push(`${actors.status.name} ${statusVerb[after.status]}${until}`)
  }
  if (before.assigneeId !== after.assigneeId) {
    lines.push(
      after.assigneeId === null
        ? `${actors.assignee.name} unassigned the conversation`
        : after.assigneeId === actors.assignee.id
          ? `${actors.assignee.name} took the conversation`
          : `${actors.assignee.name} assigned the conversation to ${names.agent(after.assigneeId)}`,
    )
  }
  if (before.teamId !== after.teamId) {
    lines.push(
      after.teamId === null
        ? `${actors.team.name} removed the team`
        : `${actors.team.name} assigned the conversation to team ${names.team(after.teamId)}`,
    )
  }
  return lines
}
