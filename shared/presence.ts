import { z } from 'zod'
import { Id } from './schemas/entities.ts'

// Presence travels as Yjs awareness in each conversation's room (never persisted). The server checks
// that a socket only speaks for its own agent and stamps the agent's name from the directory.

export const Activity = z.enum(['viewing', 'replying', 'noting'])
export type Activity = z.infer<typeof Activity>

/** Where an agent's caret is in the shared note, as encoded Yjs relative positions. */
export const NoteCursor = z.object({ anchor: z.string().max(200), head: z.string().max(200) })

export const PresenceState = z.object({
  user: z.object({ id: Id, name: z.string().max(200), color: z.string().max(20) }),
  activity: Activity,
  noteCursor: NoteCursor.nullable().optional(),
})
export type PresenceState = z.infer<typeof PresenceState>

/** Who is in a conversation and what they are doing, as the list shows it. */
export const ConversationPresence = z.object({
  conversationId: Id,
  agents: z.array(z.object({ id: Id, activity: Activity })),
})
export type ConversationPresence = z.infer<typeof ConversationPresence>

/** The strongest activity wins when one agent has several tabs open on a conversation. */
const rank: Record<Activity, number> = { viewing: 0, noting: 1, replying: 2 }

export function summarisePresence(states: Iterable<PresenceState>): ConversationPresence['agents'] {
  const byAgent = new Map<string, Activity>()
  for (const s of states) {
    const current = byAgent.get(s.user.id)
    if (current === undefined || rank[s.activity] > rank[current]) byAgent.set(s.user.id, s.activity)
  }
  return [...byAgent].map(([id, activity]) => ({ id, activity })).sort((a, b) => a.id.localeCompare(b.id))
}

/** A stable colour per agent, so a caret and a name tag match on every screen. */
export function agentColor(agentId: string): string {
  const palette = ['#2563eb', '#c2410c', '#15803d', '#7c3aed', '#be185d', '#0e7490', '#a16207', '#4d7c0f']
  let hash = 0
  for (const ch of agentId) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0
  return palette[hash % palette.length]!
}
