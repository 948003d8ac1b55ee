import fc from 'fast-check'
import * as Y from 'yjs'
import { Priority } from '../../../shared/conversation-doc.ts'
import { ids } from './replicas.ts'
import { Agent, Server, choose, messageId, type Journal, type ServerEvent } from './simulation.ts'

// Random schedules for the model in simulation.ts: what agents do (online or offline), what the
// customer writes, which updates reach whom and in what order, and the passing of time.

const agentIds = [ids.alice, ids.bob, ids.carol, '8f6f1f53-2a55-4d5e-9d3c-1a1b2c3d4e04'] as const
const teams = [ids.billingTeam, ids.vipTeam, null] as const
// ' VIP' normalises to 'vip': two spellings, one label.
const labels = ['bug', 'vip', ' VIP'] as const
const START_TIME = 1_000_000

const agent = fc.nat({ max: 3 })
/** Whether an online agent's edit goes to the server at once (the room), or waits for a push. */
const live = fc.boolean()
/** Whether the server's answer to a post is lost on the way back (the outbox sends it again). */
const dropAnswer = fc.nat({ max: 3 }).map((n) => n === 0)
/** Which queued updates go: all of them in order (null), or some (indices modulo the queue's length),
 *  in random order, with duplicates. */
const picks = fc.oneof(
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: fc.array(fc.nat({ max: 30 }), { minLength: 1, maxLength: 8 }) },
)
/** How far the device's feed gets: all the way (null), mostly, or only some messages further. */
const catchUp = fc.oneof({ weight: 2, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat({ max: 5 }) })

export const op = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('status' as const),
      agent,
      live,
      value: fc.constantFrom('resolved' as const, 'pending' as const, 'snoozed' as const, 'snoozed' as const, 'open' as const),
      // Snoozes until a time ahead, or (from a device that was offline a while) already past.
      snoozeFor: fc.integer({ min: -30, max: 120 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('assign' as const), agent, live, to: fc.constantFrom('self' as const, 'other' as const, 'nobody' as const), other: agent }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('team' as const), agent, live, team: fc.constantFrom(...teams) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('priority' as const), agent, live, value: fc.constantFrom(...Priority.options) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('addLabel' as const), agent, live, label: fc.constantFrom(...labels) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('removeLabel' as const), agent, live, label: fc.constantFrom(...labels) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('reply' as const), agent, force: fc.nat({ max: 3 }).map((n) => n === 0), dropAnswer }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('note' as const), agent, dropAnswer }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('decide' as const), agent, sendAnyway: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('customer' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('network' as const), agent, online: fc.constantFrom(true, true, false) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('push' as const), agent, picks }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('pull' as const), agent, picks, feed: catchUp }) },
  // Connecting (or reconnecting) to the room: everything both ways.
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('sync' as const), agent }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('send' as const), agent, dropAnswer }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 200 }) }) },
  // The server's rule queue falls behind the doc for a while, or catches up.
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('rules' as const), lag: fc.boolean() }) },
)
export type Op = typeof op extends fc.Arbitrary<infer T> ? T : never

export const scenario = fc.integer({ min: 2, max: 4 }).chain((agents) =>
  fc.record({
    // Agents' replicas, the server's, and two fresh replicas for the checks: all distinct, in any
    // order of size, since Yjs breaks ties between concurrent writes by client id.
    clientIDs: fc.uniqueArray(fc.integer({ min: 1, max: 2 ** 31 - 1 }), { minLength: agents + 3, maxLength: agents + 3 }),
    online: fc.array(fc.boolean(), { minLength: agents, maxLength: agents }),
    ops: fc.array(op, { minLength: 20, maxLength: 40, size: 'max' }),
  }),
)
export type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never

export interface World {
  server: Server
  agents: Agent[]
  journal: Journal
  /** Client ids not used by any writer, for fresh replicas. */
  spareClientIDs: number[]
}

export interface Hooks {
  /** After every step of the server (its rules have run). */
  onServer?: (server: Server, event: ServerEvent) => void
  /** After every operation of the schedule, before the final delivery. */
  afterOp?: (world: World, op: Op) => void
}

/** Runs the schedule, then brings every agent online and delivers everything both ways. */
export function simulate(s: Scenario, hooks: Hooks = {}): World {
  const journal: Journal = { writes: [], adds: [], removes: [], localUpdates: [] }
  const n = s.online.length
  const agents: Agent[] = []
  const server = new Server(
    s.clientIDs[n]!,
    journal,
    START_TIME,
    (update) => agents.forEach((a) => a.incoming.push(update)),
    (srv, event) => hooks.onServer?.(srv, event),
  )
  for (let i = 0; i < n; i++) agents.push(new Agent(agentIds[i]!, s.clientIDs[i]!, journal, s.online[i]!))
  const world: World = { server, agents, journal, spareClientIDs: s.clientIDs.slice(n + 1) }

  let writes = 0
  s.ops.forEach((o) => {
    apply(world, o, () => (writes += 1))
    hooks.afterOp?.(world, o)
  })
  settle(world)
  return world
}

function apply(world: World, o: Op, nextWrite: () => number, tries = 0): void {
  const { server, agents } = world
  if (o.kind === 'customer') return server.customerWrites()
  if (o.kind === 'tick') return server.tick(o.ms)
  if (o.kind === 'rules') return o.lag ? void (server.lagging = true) : server.catchUp()
  if (tries === agents.length) return
  const index = o.agent % agents.length
  const a = agents[index]!
  const ctx = () => ({ by: a.id, at: server.now, writeId: `${index}-${nextWrite()}` })
  switch (o.kind) {
    case 'status':
    case 'assign':
    case 'team':
    case 'priority':
    case 'addLabel':
    case 'removeLabel':
      edit(world, a, o, ctx)
      // Online, the room usually carries the edit to the server at once.
      if (a.online && o.live) for (const update of a.outgoing.splice(0)) server.receive(update)
      return
    case 'reply':
    case 'note': {
      // Written into the outbox, online or not; basedOnSeq is what the agent had seen.
      const id = messageId(index, a.written.length)
      a.written.push({ id, kind: o.kind })
      a.outbox.push({ id, kind: o.kind, basedOnSeq: a.seen, force: o.kind === 'reply' && o.force, state: 'waiting', collidedUpTo: 0 })
      // Online, the outbox sends at once.
      if (a.online) sendOutbox(server, a, o.dropAnswer)
      return
    }
    case 'decide': {
      // Send anyway, or Edit: the agent has now read what collided, and the reply is based on it.
      // (The first agent from this one on that has a held reply decides: held replies are rarer
      // than decisions.)
      const held = a.outbox.find((e) => e.state === 'held')
      if (!held) return apply(world, { ...o, agent: o.agent + 1 }, nextWrite, tries + 1)
      if (o.sendAnyway) held.force = true
      else held.basedOnSeq = Math.max(a.seen, held.collidedUpTo)
      held.state = 'waiting'
      if (a.online) sendOutbox(server, a, false)
      return
    }
    case 'network':
      a.online = o.online
      return
    case 'push': {
      if (!a.online) return
      const { chosen, rest } = choose(a.outgoing, o.picks ?? a.outgoing.map((_, i) => i))
      a.outgoing = rest
      for (const update of chosen) {
        // Answered 409 (builds on updates the server lacks): the client pushes its whole state.
        if (server.receive(update) === 'incomplete') server.receive(Y.encodeStateAsUpdate(a.replica.doc))
      }
      return
    }
    case 'pull': {
      if (!a.online) return
      const { chosen, rest } = choose(a.incoming, o.picks ?? a.incoming.map((_, i) => i))
      a.incoming = rest
      a.replica.receive(chosen)
      // The feed arrives in seq order: the device sees the log up to some newer seq.
      a.seen = o.feed === null ? server.head : Math.min(server.head, a.seen + o.feed)
      return
    }
    case 'sync':
      if (a.online) connect(server, a)
      return
    case 'send':
      if (a.online) sendOutbox(server, a, o.dropAnswer)
      return
  }
}

type Edit = Extract<Op, { live: boolean }>

function edit({ server, agents }: World, a: Agent, o: Edit, ctx: () => { by: string; at: number; writeId: string }): void {
  switch (o.kind) {
    case 'status': {
      const snoozedUntil = o.value === 'snoozed' ? Math.max(0, server.now + o.snoozeFor) : null
      return a.replica.write('status', { value: o.value, snoozedUntil, seenSeq: a.seen }, ctx())
    }
    case 'assign': {
      const value = o.to === 'nobody' ? null : o.to === 'self' ? a.id : agents[o.other % agents.length]!.id
      return a.replica.write('assignee', { value }, ctx())
    }
    case 'team':
      return a.replica.write('team', { value: o.team }, ctx())
    case 'priority':
      return a.replica.write('priority', { value: o.value }, ctx())
    case 'addLabel':
      return a.replica.addLabel(o.label, ctx())
    case 'removeLabel':
      return a.replica.removeLabel(o.label)
  }
}

function sendOutbox(server: Server, a: Agent, dropAnswer: boolean): void {
  for (const entry of [...a.outbox]) {
    if (entry.state !== 'waiting') continue
    const answer = server.post(a.id, entry)
    // A lost answer leaves the entry waiting: it is sent again later with the same id.
    if (dropAnswer) continue
    if (answer.result === 'held') {
      entry.state = 'held'
      entry.collidedUpTo = Math.max(...answer.collisions.map((m) => m.seq))
    } else {
      a.outbox.splice(a.outbox.indexOf(entry), 1)
    }
  }
}

/** A (re)connection to the conversation's room: sync steps 1 and 2 both ways, each side sending what
 *  the other's state vector lacks; the feed catches up too. Besides bringing a device up to date, this
 *  is what repairs a replica that Yjs left waiting for updates it already has (see the test file). */
function connect(server: Server, a: Agent): void {
  server.receive(Y.encodeStateAsUpdate(a.replica.doc, Y.encodeStateVector(server.replica.doc)))
  a.replica.receive([Y.encodeStateAsUpdate(server.replica.doc, Y.encodeStateVector(a.replica.doc))])
  a.outgoing = []
  a.incoming = []
  a.seen = server.head
}

/** Everyone comes online (a connection each), every waiting outbox entry is sent (held replies stay
 *  held: they wait for their author's decision), then the server's rules run once more and what they
 *  write reaches every device, update by update. */
function settle({ server, agents }: World): void {
  for (const a of agents) {
    a.online = true
    connect(server, a)
  }
  for (const a of agents) sendOutbox(server, a, false)
  server.catchUp()
  server.applyRules()
  for (const a of agents) {
    a.replica.receive(a.incoming)
    a.incoming = []
    a.seen = server.head
  }
}
