import type { ChannelType, Contact, Inbox } from '../../shared/schemas/entities.ts'
import type { Rng } from './random.ts'
import { render, type PlannedMessage, type PlannedWrite } from './render.ts'
import { buildScript, markVip, type Script, type Shape, type Staff } from './script.ts'
import { STORIES, type Story } from './stories.ts'
import { placeInTime, snoozeEnd } from './timing.ts'
import { varsFor } from './wording.ts'

// Plans N conversations without touching the store: pure, so a large generated workspace and the
// demo share it, and the same rng gives the same histories.

export interface ConversationPlan {
  inboxId: string
  contactId: string
  shape: Shape
  createdAt: number
  messages: PlannedMessage[]
  writes: PlannedWrite[]
}

export interface PlanInput {
  count: number
  contacts: Contact[]
  inboxes: Inbox[]
  staff: Staff
  now: number
  rng: Rng
}

/** Half resolved, the rest spread over the states someone is still working on. */
const SHAPE_SHARES: Record<Shape, number> = { new: 0.12, 'awaiting-agent': 0.14, pending: 0.12, snoozed: 0.12, resolved: 0.5 }
const CHANNEL_WEIGHTS: Record<ChannelType, number> = { live_chat: 4, email: 5, api: 2 }

function shuffle<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(0, i)
    ;[items[i], items[j]] = [items[j]!, items[i]!]
  }
  return items
}

/** Exactly the shares (largest remainder), in random order: a small demo still shows every state. */
function shapesFor(count: number, rng: Rng): Shape[] {
  const entries = Object.entries(SHAPE_SHARES) as [Shape, number][]
  const counts = entries.map(([shape, share]) => ({ shape, n: Math.floor(share * count), rest: (share * count) % 1 }))
  let missing = count - counts.reduce((sum, c) => sum + c.n, 0)
  for (const c of [...counts].sort((a, b) => b.rest - a.rest)) if (missing-- > 0) c.n += 1
  return shuffle(counts.flatMap((c) => Array<Shape>(c.n).fill(c.shape)), rng)
}

function pickInbox(story: Story, inboxes: Inbox[], rng: Rng): Inbox {
  const allowed = inboxes.filter((i) => !story.channels || story.channels.includes(i.channelType))
  const pool = allowed.length > 0 ? allowed : inboxes
  const weights = Object.fromEntries(pool.map((i, index) => [String(index), CHANNEL_WEIGHTS[i.channelType]]))
  return pool[Number(rng.weighted(weights))]!
}

interface Draft {
  story: Story
  inbox: Inbox
  script: Script
  times: number[]
}

function draft(story: Story, shape: Shape, input: PlanInput): Draft {
  const { inboxes, staff, now, rng } = input
  const inbox = pickInbox(story, inboxes, rng)
  const script = buildScript(story, shape, staff, rng, shape === 'snoozed' ? snoozeEnd(now, rng) : null)
  const times = placeInTime(script.steps.map((s) => s.part), inbox.channelType, shape, now, rng)
  return { story, inbox, script, times }
}

/**
 * A contact has at most one unresolved conversation per inbox, and it is their newest there: earlier
 * ones were resolved before the next began (the API channel appends to the unresolved one). With too
 * few contacts for that, the rule gives way rather than the count.
 */
function assignContacts(drafts: Draft[], contacts: Contact[], rng: Rng): Contact[] {
  if (contacts.length === 0) throw new Error('seeding conversations needs at least one contact')
  const busyUntil = new Map<string, number>()
  const used = new Set<string>()
  const unused = shuffle([...contacts], rng)
  const nextUnused = (): Contact | undefined => {
    let c = unused.pop()
    while (c && used.has(c.id)) c = unused.pop()
    return c
  }
  return drafts.map((d) => {
    const key = (c: Contact) => `${c.id}/${d.inbox.id}`
    const isFree = (c: Contact) => (busyUntil.get(key(c)) ?? -Infinity) < d.times[0]!
    // Sampling rather than filtering every contact: a generated workspace has thousands.
    let contact = rng.chance(0.6) ? nextUnused() : undefined
    for (let tries = 0; !contact && tries < 20; tries++) {
      const c = rng.pick(contacts)
      if (isFree(c)) contact = c
    }
    contact ??= nextUnused() ?? contacts.find(isFree) ?? rng.pick(contacts)
    used.add(contact.id)
    busyUntil.set(key(contact), d.script.shape === 'resolved' ? d.times.at(-1)! : Infinity)
    return contact
  })
}

/** `count` conversation plans, oldest first. */
export function planConversations(input: PlanInput): ConversationPlan[] {
  const { count, contacts, staff, rng } = input
  let deck: Story[] = []
  const drafts = shapesFor(count, rng).map((shape) => {
    if (deck.length === 0) deck = shuffle([...STORIES], rng)
    return draft(deck.pop()!, shape, input)
  })
  drafts.sort((a, b) => a.times[0]! - b.times[0]!)
  const owners = assignContacts(drafts, contacts, rng)
  return drafts.map((d, index) => {
    const contact = owners[index]!
    if (contact.attributes['vip'] === true) markVip(d.script, rng)
    const assignee = staff.agents.find((a) => a.id === d.script.assigneeId)?.name ?? null
    const { messages, writes } = render(d.script, d.story, d.inbox.channelType, d.times, varsFor(contact, assignee, rng), staff, rng)
    return { inboxId: d.inbox.id, contactId: contact.id, shape: d.script.shape, createdAt: d.times[0]!, messages, writes }
  })
}
