import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import * as Y from 'yjs'
import { SYSTEM_AUTHOR, addLabel, readField, readLabels, writeField, type FieldName, type StatusField } from '../../../shared/conversation-doc.ts'
import { projectConversation, sameState } from '../../../shared/project-conversation.ts'
import { effectiveStatus } from '../../../shared/status-rules.ts'
import { isCustomerVisible, type Message } from '../../../shared/schemas/entities.ts'
import { writeOutcome } from '../../../client/sync/lost-writes.ts'
import { writeAncestry } from '../../../shared/conversation-doc.ts'
import { hasPending, ids, newDoc, pull, replay } from './replicas.ts'
import { scenario, simulate, type Hooks, type World } from './schedule.ts'
import { freshDoc, hasSeen, type FieldWrite, type Server, type Stored } from './simulation.ts'

// DESIGN §7: random concurrent and offline schedules of several agents and a customer, with updates
// delivered in random orders and duplicated, against a model of the server that applies the same
// shared rules as the real one (simulation.ts, schedule.ts). Then everything is delivered and we check
// convergence and rules 1-4 and 6. Each property also counts the cases it meant to exercise, so a
// generator that stops producing them fails instead of passing vacuously.

const numRuns = 150
const fields: FieldName[] = ['status', 'assignee', 'team', 'priority']

/** Every update at least once, some more than once, in an order chosen by the generator. */
const deliveryOf = (g: fc.GeneratorValue, log: readonly Uint8Array[]): Uint8Array[] => {
  if (log.length === 0) return []
  const duplicates = g(fc.array, fc.nat({ max: log.length - 1 }), { maxLength: log.length }).map((i) => log[i]!)
  const all = [...log, ...duplicates]
  return g(fc.shuffledSubarray, all, { minLength: all.length, maxLength: all.length })
}

/** Runs `check` on `numRuns` simulated worlds and returns how often each counted case occurred. */
function forAllWorlds(check: (world: World, g: fc.GeneratorValue, count: (what: string) => void) => void, hooks: Hooks = {}): Map<string, number> {
  const counts = new Map<string, number>()
  const count = (what: string) => counts.set(what, (counts.get(what) ?? 0) + 1)
  fc.assert(
    fc.property(scenario, fc.gen(), (s, g) => check(simulate(s, hooks), g, count)),
    { numRuns },
  )
  return counts
}

const wroteBefore = (earlier: { client: number; clock: number }, later: FieldWrite) => hasSeen(later.seen, earlier.client, earlier.clock)

/** Rule 3 stated on its own, not through isStaleStatus. */
const buriesCustomer = (server: Server) => server.state.status !== 'open' && server.state.statusSeenSeq < server.lastCustomerSeq
const dueButSnoozed = (server: Server) =>
  server.state.status === 'snoozed' && server.state.snoozedUntil !== null && server.state.snoozedUntil <= server.now

/** Rule 6 stated on its own, not through replyCollisions: customer-visible messages newer than the
 *  reply's base, stored before `beforeSeq`, that are not the author's own replies. */
function collidingWith(log: readonly Stored[], author: string, basedOnSeq: number, beforeSeq: number): Message[] {
  return log
    .map((s) => s.message)
    .filter((m) => m.seq > basedOnSeq && m.seq < beforeSeq && isCustomerVisible(m.kind))
    .filter((m) => !(m.kind === 'reply' && m.authorAgentId === author))
}

describe('several agents, a customer and the server, online and offline', () => {
  it('converge: every agent, the server and fresh replicas fed every update shuffled and duplicated end in one state', () => {
    const counts = forAllWorlds(({ server, agents, journal, spareClientIDs }, g, count) => {
      const expected = server.state
      expect(hasPending(server.replica.doc)).toBe(false)
      for (const agent of agents) {
        expect(hasPending(agent.replica.doc)).toBe(false)
        expect(sameState(agent.state, expected)).toBe(true)
        expect(agent.state).toEqual(expected)
        expect(Y.encodeStateVector(agent.replica.doc)).toEqual(Y.encodeStateVector(server.replica.doc))
      }
      const [shuffledID, mergedID] = spareClientIDs as [number, number]
      const fresh = freshDoc(shuffledID, deliveryOf(g, journal.localUpdates))
      // Some orders leave Yjs waiting for updates it already has (see the end of this file); the sync
      // step of every connection repairs that.
      if (hasPending(fresh)) {
        count('stuck until a sync step')
        pull(fresh, server.replica.doc)
      }
      expect(hasPending(fresh)).toBe(false)
      expect(sameState(projectConversation(fresh), expected)).toBe(true)
      // A device that merges everything into one update before applying it (client/sync/doc-state.ts)
      // needs no repair.
      expect(projectConversation(freshDoc(mergedID, [Y.mergeUpdates(deliveryOf(g, journal.localUpdates))]))).toEqual(expected)
      if (agents.some((a) => a.state.labels.length > 0) && expected.status !== 'open') count('non-trivial end state')
    })
    expect(counts.get('non-trivial end state')).toBeGreaterThan(0)
  })

  it('rule 1: each field ends with a value written, the last write stands unless another was concurrent, and writeOutcome tells standing, lost and superseded apart', () => {
    const counts = forAllWorlds(({ server, journal }, _g, count) => {
      const standingAlone: FieldWrite[] = []
      for (const field of fields) {
        const writes = journal.writes.filter((w) => w.field === field)
        const current = readField(server.replica.doc, field)
        if (writes.length === 0) {
          expect(current).toBeNull()
          continue
        }
        const winner = writes.find((w) => w.value.writeId === current?.writeId)
        expect(winner, `${field} ends with a value nobody wrote`).toBeDefined()
        expect(current).toEqual(winner!.value)

        // The writes nobody overwrote knowingly. With one such write (whatever other fields were
        // written concurrently, and however delivered), it stands; with several, one of them does.
        const latest = writes.filter((v) => !writes.some((w) => wroteBefore(v, w)))
        if (latest.length === 1) {
          expect(winner).toBe(latest[0])
          standingAlone.push(winner!)
        } else {
          expect(latest).toContain(winner)
          count('concurrent writes of one field')
        }

        const ancestry = writeAncestry(server.replica.doc)
        const outcomes = writes.map((w) => writeOutcome(w.value, current, ancestry))
        expect(outcomes.filter((o) => o === 'standing')).toHaveLength(1)
        // The winner's chain: the write it replaced, the one that one replaced, and so on.
        const overOf = new Map(writes.map((w) => [w.value.writeId, w.value.over]))
        const chain = new Set<string>()
        for (let id = winner!.value.over; id !== null && !chain.has(id); id = overOf.get(id) ?? null) chain.add(id)
        writes.forEach((w, i) => {
          if (w === winner) return
          // A write the winner's line of writes replaced knowingly: no conflict, never reported as lost.
          if (chain.has(w.value.writeId)) expect(outcomes[i]).toBe('superseded')
          // Any other write lost a tie-break to a concurrent one at some point, and its author is told,
          // whether or not it replaced the same predecessor (the doc's write log lets the device walk).
          else {
            expect(outcomes[i]).toBe('lost')
            count('lost')
            if (w.value.over !== winner!.value.over) count('lost after a chain of writes')
          }
          // Sanity of the model: a write in the winner's chain was seen by the winner's author.
          if (chain.has(w.value.writeId)) expect(wroteBefore(w, winner!)).toBe(true)
        })
      }
      // The case rule 1 is about: two agents edited different fields without seeing each other's
      // edit, and both edits stand.
      const concurrent = (a: FieldWrite, b: FieldWrite) => !wroteBefore(a, b) && !wroteBefore(b, a)
      if (standingAlone.some((a) => standingAlone.some((b) => a.field !== b.field && a.value.by !== b.value.by && concurrent(a, b))))
        count('concurrent edits of different fields both stand')
    })
    for (const what of ['concurrent writes of one field', 'lost', 'lost after a chain of writes', 'concurrent edits of different fields both stand'])
      expect(counts.get(what), what).toBeGreaterThan(0)
  })

  it('rule 2: a label is present at the end iff one of its adds was seen by no remove of it', () => {
    const counts = forAllWorlds(({ server, agents, journal }, _g, count) => {
      const unseenBy = (add: (typeof journal.adds)[number]) =>
        journal.removes.filter((r) => r.name === add.name).every((r) => !hasSeen(r.seen, add.client, add.clock))
      const expected = [...new Set(journal.adds.filter(unseenBy).map((a) => a.name))].sort()
      expect(readLabels(server.replica.doc)).toEqual(expected)
      for (const agent of agents) expect(agent.state.labels).toEqual(expected)
      // An add that survived a remove of the same label made without seeing it.
      for (const add of journal.adds.filter(unseenBy))
        if (journal.removes.some((r) => r.name === add.name && journal.adds.some((o) => o !== add && o.name === add.name && hasSeen(r.seen, o.client, o.clock))))
          count('add wins over a concurrent remove')
      if (journal.adds.some((a) => !unseenBy(a)) && expected.length < new Set(journal.adds.map((a) => a.name)).size) count('label removed')
    })
    for (const what of ['add wins over a concurrent remove', 'label removed']) expect(counts.get(what), what).toBeGreaterThan(0)
  })

  it('rules 3 and 4: no status buries a customer message once the server has caught up, no due snooze stays snoozed, the server reopens nothing else, and every device shows a due snooze as open', () => {
    let offlineDue = 0
    const hooks: Hooks = {
      onServer: (server, event) => {
        // While rule work waits in the queue a stale status may stand for a moment, never after.
        if (!server.rulesPending)
          expect(buriesCustomer(server), `after ${event}: ${JSON.stringify(server.state)}, last customer seq ${server.lastCustomerSeq}`).toBe(false)
        expect(dueButSnoozed(server), `after ${event} at ${server.now}: ${JSON.stringify(server.state)}`).toBe(false)
        // Rule 4: right after the customer writes, the conversation is open.
        if (event === 'customer') expect(server.state.status).toBe('open')
      },
      // Rule 4 on the devices: a due snooze shows as open at its time, before any wake-up arrives.
      afterOp: ({ server, agents }) => {
        for (const agent of agents) {
          const state = agent.state
          const due = state.status === 'snoozed' && state.snoozedUntil !== null && state.snoozedUntil <= server.now
          expect(effectiveStatus(state, server.now)).toBe(due ? 'open' : state.status)
          if (due && !agent.online) offlineDue += 1
        }
      },
    }
    const counts = forAllWorlds(({ server, journal }, _g, count) => {
      expect(buriesCustomer(server)).toBe(false)
      expect(dueButSnoozed(server)).toBe(false)
      // Rule 3 from the other side: unless some agent chose a status having seen the newest customer
      // message, the conversation ends open.
      const informed = journal.writes.some(
        (w) => w.byAgent && w.field === 'status' && (w.value as StatusField).seenSeq >= server.lastCustomerSeq,
      )
      if (server.lastCustomerSeq > 0 && !informed) {
        expect(server.state.status).toBe('open')
        count('customer has the last word')
      }
      // Every automatic reopen replaced what its rule is about, even when the rule work ran late.
      for (const { kind, replaced, lastCustomerSeq, now } of server.corrections) {
        const what = `${kind} correction of ${JSON.stringify(replaced)} (last customer seq ${lastCustomerSeq}, now ${now})`
        if (kind === 'stale') expect(replaced.status !== 'open' && replaced.statusSeenSeq < lastCustomerSeq, what).toBe(true)
        if (kind === 'customer') expect(replaced.status, what).not.toBe('open')
        if (kind === 'snooze') expect(replaced.status === 'snoozed' && replaced.snoozedUntil !== null && replaced.snoozedUntil <= now, what).toBe(true)
        count(kind)
      }
      if (server.overtaken > 0) count('queued stale change overtaken by a later write')
    }, hooks)
    for (const what of ['customer has the last word', 'stale', 'snooze', 'customer', 'queued stale change overtaken by a later write'])
      expect(counts.get(what), what).toBeGreaterThan(0)
    expect(offlineDue).toBeGreaterThan(0)
  })

  it('rule 6: a reply is stored only if forced or nothing newer collided, held only if something did, and every reply and note is stored once or awaits its author', () => {
    const counts = forAllWorlds(({ server, agents }, _g, count) => {
      const seqs = server.log.map((s) => s.message.seq)
      expect(seqs).toEqual(seqs.map((_, i) => i + 1))
      for (const stored of server.log) {
        if (stored.message.kind !== 'reply') continue
        const collided = collidingWith(server.log, stored.message.authorAgentId!, stored.basedOnSeq!, stored.message.seq)
        if (stored.forced) count('forced')
        else expect(collided, `reply ${stored.message.seq} based on ${stored.basedOnSeq}`).toEqual([])
      }
      for (const hold of server.holds) {
        expect(collidingWith(server.log, hold.author, hold.basedOnSeq, hold.headSeq + 1)).not.toEqual([])
        count('held')
      }
      for (const agent of agents) {
        for (const { id, kind } of agent.written) {
          const stored = server.log.filter((s) => s.message.id === id)
          const waiting = agent.outbox.filter((e) => e.id === id)
          expect(stored.length + waiting.length, `${kind} ${id}`).toBe(1)
          for (const s of stored) expect([s.message.kind, s.message.authorAgentId]).toEqual([kind, agent.id])
          // Left in the outbox only by the send guard: a held reply waits for Send anyway or Edit.
          for (const e of waiting) expect([e.kind, e.state]).toEqual(['reply', 'held'])
          if (stored.length === 1 && server.holds.some((h) => h.replyId === id)) count('held, then sent')
        }
      }
      if (server.duplicates > 0) count('sent again after a lost answer')
    })
    for (const what of ['held', 'held, then sent', 'forced', 'sent again after a lost answer']) expect(counts.get(what), what).toBeGreaterThan(0)
  })
})

// A constraint on the sync design that the convergence property ran into (yjs 13.6.33): a replica fed
// every update, one at a time, in an unlucky order can keep some of them pending, with its status
// gone, although it has them all. A1 (Alice's write over S0) waits for S0; its pending batch also holds
// S2, which waits for S1, so Yjs notes that it waits for S1 and no longer for S0. S0 then arrives and
// nothing is retried (A1's deletion of S0 applies, A1 itself stays pending), and S1 waits for A1.
// Another update does not help; the sync step of every connection (state vector, then the diff) does,
// and so does applying the updates merged into one, as the device's store does. Should a Yjs upgrade
// make the first expectation fail, the constraint is gone and this test can go.
describe('yjs: delivery order and pending updates', () => {
  it('a replica stuck after an unlucky order of single updates recovers on a sync step', () => {
    const server = newDoc(2)
    const agent = newDoc(21)
    const updates = new Map<string, Uint8Array>()
    const record = (name: string, doc: Y.Doc, edit: () => void) => {
      const off = (u: Uint8Array) => updates.set(name, u)
      doc.once('update', off)
      edit()
    }
    const statusOpen = (seenSeq: number) => ({ value: 'open' as const, snoozedUntil: null, seenSeq })
    record('S0', server, () => writeField(server, 'status', statusOpen(0), { by: SYSTEM_AUTHOR, at: 1, writeId: 's0' }))
    pull(agent, server)
    record('A0', agent, () => addLabel(agent, 'bug', { by: ids.alice, at: 2 }))
    record('A1', agent, () => writeField(agent, 'status', { value: 'resolved', snoozedUntil: null, seenSeq: 0 }, { by: ids.alice, at: 2, writeId: 'a1' }))
    pull(server, agent)
    record('S1', server, () => writeField(server, 'status', statusOpen(1), { by: SYSTEM_AUTHOR, at: 3, writeId: 's1' }))
    record('S2', server, () => writeField(server, 'priority', { value: 'high' }, { by: SYSTEM_AUTHOR, at: 3, writeId: 's2' }))

    const device = replay(7, ['S2', 'A1', 'A0', 'S0', 'S1'].map((name) => updates.get(name)!))
    expect(hasPending(device)).toBe(true)
    expect(readField(device, 'status')).toBeNull()

    pull(device, server)
    expect(hasPending(device)).toBe(false)
    expect(projectConversation(device)).toEqual(projectConversation(server))
    expect(projectConversation(replay(8, [Y.mergeUpdates(['S2', 'A1', 'A0', 'S0', 'S1'].map((name) => updates.get(name)!))]))).toEqual(
      projectConversation(server),
    )
  })
})
