import { LabelName } from '../../shared/conversation-doc.ts'

/** What the command palette offers, as data: the palette component runs the chosen one. Pure. */
export type PaletteEffect =
  | { type: 'status'; value: 'resolved' | 'open' | 'pending' }
  | { type: 'snooze'; until: number }
  | { type: 'assign'; agentId: string | null }
  | { type: 'team'; teamId: string | null }
  | { type: 'label'; label: string }
  | { type: 'compose'; mode: 'reply' | 'note' }
  | { type: 'canned'; cannedId: string }
  | { type: 'shortcuts' }
  | { type: 'search' }
  /** The agent's own read mark goes back below the newest customer message (issue 12). */
  | { type: 'unread' }

export interface PaletteCommand {
  id: string
  label: string
  /** A second line: a canned response's text. */
  detail?: string
  effect: PaletteEffect
}

export interface PaletteSource {
  /** The open conversation, null on the list. */
  conversation: {
    status: 'open' | 'pending' | 'snoozed' | 'resolved'
    assigneeId: string | null
    teamId: string | null
    labels: readonly string[]
    /** Offered "Mark as unread" when the customer wrote and the agent has read it. */
    lastCustomerMessageSeq?: number
    unread?: 0 | 1
  } | null
  meId: string
  agents: readonly { id: string; name: string; active: boolean }[]
  teams: readonly { id: string; name: string }[]
  snooze: readonly { label: string; until: number }[]
  canned: readonly { id: string; shortCode: string; preview: string }[]
  /** What the agent typed: also the label "Add label …" would add. */
  query: string
}

export function paletteCommands(src: PaletteSource): PaletteCommand[] {
  const c = src.conversation
  const general: PaletteCommand[] = [
    { id: 'search', label: 'Search conversations', effect: { type: 'search' } },
    { id: 'shortcuts', label: 'Keyboard shortcuts', effect: { type: 'shortcuts' } },
  ]
  if (!c) return filterCommands(general, src.query)
  const out: PaletteCommand[] = []
  if (c.status === 'resolved') out.push({ id: 'reopen', label: 'Reopen', effect: { type: 'status', value: 'open' } })
  else out.push({ id: 'resolve', label: 'Resolve', effect: { type: 'status', value: 'resolved' } })
  if (c.status === 'pending' || c.status === 'snoozed') out.push({ id: 'reopen', label: 'Reopen', effect: { type: 'status', value: 'open' } })
  if (c.status !== 'pending') out.push({ id: 'pending', label: 'Mark as pending', effect: { type: 'status', value: 'pending' } })
  for (const s of src.snooze) out.push({ id: `snooze-${s.label}`, label: `Snooze: ${s.label}`, effect: { type: 'snooze', until: s.until } })
  out.push({ id: 'reply', label: 'Reply', effect: { type: 'compose', mode: 'reply' } })
  out.push({ id: 'note', label: 'Note', effect: { type: 'compose', mode: 'note' } })
  if (c.assigneeId !== src.meId) out.push({ id: 'assign-me', label: 'Assign to me', effect: { type: 'assign', agentId: src.meId } })
  if (c.assigneeId !== null) out.push({ id: 'unassign', label: 'Unassign', effect: { type: 'assign', agentId: null } })
  for (const a of src.agents) {
    if (a.active && a.id !== src.meId && a.id !== c.assigneeId) out.push({ id: `assign-${a.id}`, label: `Assign to ${a.name}`, effect: { type: 'assign', agentId: a.id } })
  }
  for (const t of src.teams) {
    if (t.id !== c.teamId) out.push({ id: `team-${t.id}`, label: `Team: ${t.name}`, effect: { type: 'team', teamId: t.id } })
  }
  if (c.teamId !== null) out.push({ id: 'no-team', label: 'Team: No team', effect: { type: 'team', teamId: null } })
  if ((c.lastCustomerMessageSeq ?? 0) > 0 && c.unread === 0) out.push({ id: 'unread', label: 'Mark as unread', effect: { type: 'unread' } })
  for (const k of src.canned) out.push({ id: `canned-${k.id}`, label: `Canned response /${k.shortCode}`, detail: k.preview, effect: { type: 'canned', cannedId: k.id } })
  const matched = filterCommands([...out, ...general], src.query)
  // "Add label" takes the typed text as the label: it is offered once there is one to add.
  const label = LabelName.safeParse(src.query.trim())
  if (label.success && !c.labels.includes(label.data)) {
    matched.push({ id: 'add-label', label: `Add label "${label.data}"`, effect: { type: 'label', label: label.data } })
  }
  return matched
}

/** Every typed word must start a word of the label (or of a canned response's text): "res" finds
 *  Resolve, "as bo" finds "Assign to Bob". */
export function filterCommands(commands: PaletteCommand[], query: string): PaletteCommand[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean)
  if (words.length === 0) return commands
  return commands.filter((cmd) => {
    const hay = `${cmd.label} ${cmd.detail ?? ''}`.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean)
    return words.every((w) => hay.some((h) => h.startsWith(w.replace(/^\//, ''))))
  })
}
