import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import * as Y from 'yjs'
import { Priority, Status, addLabel, noteText, removeLabel, writeField } from '../../../shared/conversation-doc.ts'
import { projectConversation, sameState } from '../../../shared/project-conversation.ts'
import { Network, deliver, hasPending, ids, pull, replay } from './replicas.ts'

// DESIGN §7: random concurrent edits on 2-4 replicas; the same updates, shuffled and duplicated, must
// give every replica the same projection and note as applying them in the order they were made.

const people = [ids.alice, ids.bob, ids.carol, null]
const teams = [ids.billingTeam, ids.vipTeam, null]
// ' VIP' normalises to 'vip': two spellings of one label must be one label everywhere.
const labels = ['bug', 'vip', 'billing', ' VIP']

const replicaIndex = fc.nat({ max: 3 })
const op = fc.oneof(
  fc.record({
    kind: fc.constant('status' as const),
    replica: replicaIndex,
    value: fc.constantFrom(...Status.options),
    snoozedUntil: fc.option(fc.nat({ max: 10_000 })),
    seenSeq: fc.nat({ max: 20 }),
  }),
  fc.record({ kind: fc.constant('assignee' as const), replica: replicaIndex, value: fc.constantFrom(...people) }),
  fc.record({ kind: fc.constant('team' as const), replica: replicaIndex, value: fc.constantFrom(...teams) }),
  fc.record({ kind: fc.constant('priority' as const), replica: replicaIndex, value: fc.constantFrom(...Priority.options) }),
  fc.record({ kind: fc.constant('addLabel' as const), replica: replicaIndex, label: fc.constantFrom(...labels) }),
  fc.record({ kind: fc.constant('removeLabel' as const), replica: replicaIndex, label: fc.constantFrom(...labels) }),
  fc.record({ kind: fc.constant('noteInsert' as const), replica: replicaIndex, at: fc.nat(), text: fc.string({ minLength: 1, maxLength: 4 }) }),
  fc.record({ kind: fc.constant('noteDelete' as const), replica: replicaIndex, at: fc.nat(), length: fc.integer({ min: 1, max: 3 }) }),
  // Replicas also sync now and then, so later edits build on earlier ones (writes with over set,
  // removes of labels added elsewhere) and updates depend on updates of other replicas.
  fc.record({ kind: fc.constant('sync' as const), replica: replicaIndex, from: replicaIndex }),
)
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never

function apply(docs: Y.Doc[], o: Op, step: number): void {
  const doc = docs[o.replica % docs.length]!
  const ctx = { by: people[o.replica % 3]!, at: step, writeId: `${doc.clientID}-${step}` }
  const note = noteText(doc)
  switch (o.kind) {
    case 'status':
      writeField(doc, 'status', { value: o.value, snoozedUntil: o.snoozedUntil, seenSeq: o.seenSeq }, ctx)
      break
    case 'assignee':
    case 'team':
      writeField(doc, o.kind, { value: o.value }, ctx)
      break
    case 'priority':
      writeField(doc, 'priority', { value: o.value }, ctx)
      break
    case 'addLabel':
      addLabel(doc, o.label, ctx)
      break
    case 'removeLabel':
      removeLabel(doc, o.label)
      break
    case 'noteInsert':
      note.insert(o.at % (note.length + 1), o.text)
      break
    case 'noteDelete':
      if (note.length > 0) note.delete(o.at % note.length, Math.min(o.length, note.length - (o.at % note.length)))
      break
    case 'sync':
      pull(doc, docs[o.from % docs.length]!)
      break
  }
}

/** Builds the scenario: distinct clientIDs, the ops applied, every local update in the network log. */
function run(clientIDs: number[], ops: Op[]) {
  const net = new Network()
  const docs = clientIDs.map((id) => net.replica(id))
  ops.forEach((o, step) => apply(docs, o, step + 1))
  return { net, docs }
}

const scenario = fc.record({
  clientIDs: fc.uniqueArray(fc.integer({ min: 1, max: 2 ** 31 - 1 }), { minLength: 2, maxLength: 4 }),
  ops: fc.array(op, { maxLength: 40 }),
})

/** The log as a delivery would see it: every update at least once, some twice or more, in any order. */
const deliveryOf = (g: fc.GeneratorValue, log: Uint8Array[]): Uint8Array[] => {
  if (log.length === 0) return []
  const duplicates = g(fc.array, fc.nat({ max: log.length - 1 }), { maxLength: log.length }).map((i) => log[i]!)
  const all = [...log, ...duplicates]
  return g(fc.shuffledSubarray, all, { minLength: all.length, maxLength: all.length })
}

describe('convergence of conversation docs', () => {
  it('gives every delivery order, with duplicates, the projection and note of the original order', () => {
    fc.assert(
      fc.property(scenario, fc.gen(), ({ clientIDs, ops }, g) => {
        const { net, docs } = run(clientIDs, ops)
        const reference = replay(1, net.log)
        const expected = projectConversation(reference)
        const expectedNote = noteText(reference).toString()

        for (let r = 0; r < 3; r++) {
          const doc = replay(10 + r, deliveryOf(g, net.log))
          expect(hasPending(doc)).toBe(false)
          expect(sameState(projectConversation(doc), expected)).toBe(true)
          expect(projectConversation(doc)).toEqual(expected)
          expect(noteText(doc).toString()).toBe(expectedNote)
        }
        // The replicas that made the edits converge too once they have everything.
        for (const doc of docs) {
          deliver(doc, deliveryOf(g, net.log))
          expect(projectConversation(doc)).toEqual(expected)
          expect(noteText(doc).toString()).toBe(expectedNote)
        }
        // And so does a doc that got all of it as one merged update (the bulk endpoint, the feed).
        const merged = replay(20, [Y.mergeUpdates(net.log)])
        expect(projectConversation(merged)).toEqual(expected)
        expect(noteText(merged).toString()).toBe(expectedNote)
      }),
      { numRuns: 150 },
    )
  })

  it('projects the same state whether updates arrive one by one or in chunks applied to a doc seeded from a snapshot', () => {
    fc.assert(
      fc.property(scenario, fc.nat(), fc.gen(), ({ clientIDs, ops }, cut, g) => {
        const { net } = run(clientIDs, ops)
        const expected = projectConversation(replay(1, net.log))
        // A device that loaded a snapshot of part of the log, then receives everything again.
        const split = net.log.length === 0 ? 0 : cut % (net.log.length + 1)
        const snapshot = Y.encodeStateAsUpdate(replay(2, net.log.slice(0, split)))
        const doc = replay(3, [snapshot, ...deliveryOf(g, net.log)])
        expect(projectConversation(doc)).toEqual(expected)
      }),
      { numRuns: 100 },
    )
  })
})
