import { emptyConversationState, type ConversationState } from '../../shared/project-conversation.ts'
import type { ChannelType, MessageKind } from '../../shared/schemas/entities.ts'
import { describeChange } from '../../shared/status-rules.ts'
import type { Rng } from './random.ts'
import type { Effect, Part, Script, Staff } from './script.ts'
import { FOLLOW_UPS, type Story } from './stories.ts'
import { fill, type Vars } from './wording.ts'

// Turns a timed script into what gets stored: the messages, and the doc writes with their authors
// and times. Activity lines are worded by the same shared function the server's rules use, so the
// demo's history reads exactly like one the app wrote.

export interface PlannedMessage {
  kind: MessageKind
  body: string
  authorAgentId: string | null
  at: number
}

export interface PlannedWrite {
  effect: Effect
  by: string
  at: number
}

/** Same format as the activity lines of server/services/conversation-rules.ts. */
const formatTime = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC'

function textOf(story: Story, part: Part, channel: ChannelType, rng: Rng): string {
  switch (part) {
    case 'opening':
      return story.opening[0]
    case 'opening2':
      return story.opening[1] ?? story.opening[0]
    case 'followUp':
      return rng.pick(channel === 'live_chat' ? FOLLOW_UPS.chat : FOLLOW_UPS.mail)
    case 'team':
    case 'assign':
    case 'status':
      throw new Error(`part ${part} is an activity, not a text`)
    default:
      return story[part]
  }
}

function applyEffect(state: ConversationState, effect: Effect): ConversationState {
  switch (effect.field) {
    case 'assignee':
      return { ...state, assigneeId: effect.value }
    case 'team':
      return { ...state, teamId: effect.value }
    case 'priority':
      return { ...state, priority: effect.value }
    case 'label':
      return { ...state, labels: [...new Set([...state.labels, effect.value])].sort() }
    case 'status':
      return { ...state, status: effect.value, snoozedUntil: effect.snoozedUntil }
  }
}

export function render(
  script: Script,
  story: Story,
  channel: ChannelType,
  times: number[],
  vars: Vars,
  staff: Staff,
  rng: Rng,
): { messages: PlannedMessage[]; writes: PlannedWrite[] } {
  const agentName = (id: string) => staff.agents.find((a) => a.id === id)?.name ?? 'Someone'
  const names = { agent: agentName, team: (id: string) => staff.teams.find((t) => t.id === id)?.name ?? 'a team' }
  const messages: PlannedMessage[] = []
  const writes: PlannedWrite[] = []
  let state = emptyConversationState
  script.steps.forEach((step, index) => {
    const at = times[index]!
    if (step.kind !== 'activity') {
      const author = step.kind === 'incoming' ? null : step.actor
      messages.push({ kind: step.kind, body: fill(textOf(story, step.part, channel, rng), vars), authorAgentId: author, at })
      return
    }
    const by = step.actor
    if (by === null) throw new Error(`activity ${step.part} has no author`)
    const after = step.effects.reduce(applyEffect, state)
    const actor = { id: by, name: agentName(by) }
    const lines = describeChange(state, after, { status: actor, assignee: actor, team: actor }, names, formatTime)
    // Activity lines have no author on the server either (MessageService.addActivity).
    for (const body of lines) messages.push({ kind: 'activity', body, authorAgentId: null, at })
    for (const effect of step.effects) writes.push({ effect, by, at })
    state = after
  })
  return { messages, writes }
}
