import type { Priority } from '../../shared/conversation-doc.ts'
import type { MessageKind } from '../../shared/schemas/entities.ts'
import type { Rng } from './random.ts'
import type { Story } from './stories.ts'

// The shape of one conversation's history: which parts of its story happen, in which order, by whom,
// and which state changes go with them. No text and no times yet (render.ts and timing.ts add them).

/** Where the conversation stands now. "new" and "awaiting-agent" are both Open: nobody has answered
 *  yet, or the customer answered the agent's question last. */
export type Shape = 'new' | 'awaiting-agent' | 'pending' | 'snoozed' | 'resolved'

export type Part =
  | 'opening' | 'opening2' | 'followUp' | 'ask' | 'answer' | 'note' | 'waiting' | 'solution' | 'thanks'
  | 'team' | 'assign' | 'status'

export type Effect =
  | { field: 'assignee' | 'team'; value: string }
  | { field: 'priority'; value: Priority }
  | { field: 'label'; value: string }
  | { field: 'status'; value: 'pending' | 'snoozed' | 'resolved'; snoozedUntil: number | null }

export interface ScriptStep {
  part: Part
  kind: MessageKind
  /** The agent who wrote the message or made the change; null for the customer. */
  actor: string | null
  /** Doc writes made at this step's time, by its actor. */
  effects: Effect[]
}

export interface Staff {
  agents: { id: string; name: string }[]
  teams: { id: string; name: string; memberIds: string[] }[]
  /** The agent who routes conversations to teams and colleagues. */
  triagerId: string
}

export interface Script {
  shape: Shape
  assigneeId: string | null
  steps: ScriptStep[]
}

export const MAX_MESSAGES = 8
/** Dropped first when a history runs past MAX_MESSAGES: none of them carries a state change. */
const DROPPABLE: Part[] = ['note', 'opening2', 'thanks']

export function buildScript(story: Story, shape: Shape, staff: Staff, rng: Rng, snoozedUntil: number | null): Script {
  const team = staff.teams.find((t) => t.name === story.team) ?? null
  const triaged = shape !== 'new' || rng.chance(0.35)
  const teamId = triaged && team && rng.chance(0.7) ? team.id : null
  // The story's team handles it even when nobody set the team field.
  const pool = team && team.memberIds.length > 0 ? team.memberIds : staff.agents.map((a) => a.id)
  const assigneeId = shape === 'new' ? null : rng.pick(pool)
  const triager = assigneeId !== null && rng.chance(0.4) ? assigneeId : staff.triagerId

  const steps: ScriptStep[] = []
  const customer = (part: Part) => steps.push({ part, kind: 'incoming', actor: null, effects: [] })
  const agent = (part: Part, kind: MessageKind, effects: Effect[] = []) =>
    steps.push({ part, kind, actor: kind === 'activity' && part !== 'status' ? triager : assigneeId, effects })

  customer('opening')
  if (story.opening.length > 1 && rng.chance(0.7)) customer('opening2')
  // Priority and labels are set while routing, by whoever routes.
  const triage: Effect[] = []
  if (teamId || assigneeId) {
    if (story.priority !== 'none' && rng.chance(0.7)) triage.push({ field: 'priority', value: story.priority })
    for (const label of story.labels) if (rng.chance(0.5)) triage.push({ field: 'label', value: label })
  }
  if (teamId) agent('team', 'activity', [{ field: 'team', value: teamId }, ...triage.splice(0)])
  if (assigneeId) agent('assign', 'activity', [{ field: 'assignee', value: assigneeId }, ...triage.splice(0)])

  switch (shape) {
    case 'new':
      if (steps.every((s) => s.part !== 'opening2') || rng.chance(0.5)) customer('followUp')
      break
    case 'awaiting-agent':
      if (rng.chance(0.4)) agent('note', 'note')
      agent('ask', 'reply')
      customer('answer')
      break
    case 'pending':
      if (rng.chance(0.4)) agent('note', 'note')
      agent('ask', 'reply')
      agent('status', 'activity', [{ field: 'status', value: 'pending', snoozedUntil: null }])
      break
    case 'snoozed':
      if (rng.chance(0.5)) {
        agent('ask', 'reply')
        customer('answer')
      }
      agent('note', 'note')
      agent('waiting', 'reply')
      agent('status', 'activity', [{ field: 'status', value: 'snoozed', snoozedUntil }])
      break
    case 'resolved':
      if (rng.chance(0.6)) {
        agent('ask', 'reply')
        customer('answer')
      }
      if (rng.chance(0.4)) agent('note', 'note')
      agent('solution', 'reply')
      if (rng.chance(0.6)) customer('thanks')
      agent('status', 'activity', [{ field: 'status', value: 'resolved', snoozedUntil: null }])
      break
  }
  for (const part of DROPPABLE) {
    const index = steps.findIndex((s) => s.part === part)
    if (steps.length > MAX_MESSAGES && index >= 0) steps.splice(index, 1)
  }
  return { shape, assigneeId, steps }
}

const PRIORITY_RANK: Priority[] = ['none', 'low', 'medium', 'high', 'urgent']

/** A VIP customer's conversation gets the `vip` label and at least high priority when it is routed. */
export function markVip(script: Script, rng: Rng): void {
  const routing = script.steps.find((s) => s.part === 'team' || s.part === 'assign')
  if (!routing) return
  if (rng.chance(0.8)) routing.effects.push({ field: 'label', value: 'vip' })
  const priority = routing.effects.find((e) => e.field === 'priority')
  if (priority?.field === 'priority') {
    if (PRIORITY_RANK.indexOf(priority.value) < PRIORITY_RANK.indexOf('high')) priority.value = 'high'
  } else if (rng.chance(0.6)) {
    routing.effects.push({ field: 'priority', value: 'high' })
  }
}
