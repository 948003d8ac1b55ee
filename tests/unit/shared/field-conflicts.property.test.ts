import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import type * as Y from 'yjs'
import { Priority, Status, readField, writeField, type FieldName, type FieldValue } from '../../../shared/conversation-doc.ts'
import { projectConversation } from '../../../shared/project-conversation.ts'
import { Network, deliver, ids, replay, syncAll } from './replicas.ts'

// DESIGN §4 rule 1: fields are independent, and concurrent writes to one field resolve the same way
// on every replica, with the loser able to tell it lost (the winner replaced the same predecessor).

const people = [ids.alice, ids.bob, ids.carol, null]
const teams = [ids.billingTeam, ids.vipTeam, null]

const clientIDs = (n: { min: number; max: number }) =>
  fc.uniqueArray(fc.integer({ min: 1, max: 2 ** 31 - 1 }), { minLength: n.min, maxLength: n.max })

const statusInput = fc.record({
  value: fc.constantFrom(...Status.options),
  snoozedUntil: fc.option(fc.nat({ max: 10_000 })),
  seenSeq: fc.nat({ max: 50 }),
})

/** A value for any field, with the field it belongs to. */
const fieldWrite = fc.oneof(
  statusInput.map((input) => ({ field: 'status' as const, input })),
  fc.constantFrom(...people).map((value) => ({ field: 'assignee' as const, input: { value } })),
  fc.constantFrom(...teams).map((value) => ({ field: 'team' as const, input: { value } })),
  fc.constantFrom(...Priority.options).map((value) => ({ field: 'priority' as const, input: { value } })),
)
type FieldWrite = typeof fieldWrite extends fc.Arbitrary<infer T> ? T : never

/** One generated value per field, so a test can write any field with a random value. */
const anyValue = fc.record({
  status: statusInput,
  assignee: fc.constantFrom(...people),
  team: fc.constantFrom(...teams),
  priority: fc.constantFrom(...Priority.options),
})
type AnyValue = typeof anyValue extends fc.Arbitrary<infer T> ? T : never
const anyField = fc.constantFrom<FieldName>('status', 'assignee', 'team', 'priority')

function write(doc: Y.Doc, w: FieldWrite, writeId: string, at: number): FieldValue<FieldName> {
  const ctx = { by: `agent-${doc.clientID}`, at, writeId }
  switch (w.field) {
    case 'status':
      return writeField(doc, 'status', w.input, ctx)
    case 'assignee':
      return writeField(doc, 'assignee', w.input, ctx)
    case 'team':
      return writeField(doc, 'team', w.input, ctx)
    case 'priority':
      return writeField(doc, 'priority', w.input, ctx)
  }
}

/** Every update at least once, some more than once, in an order chosen by the generator. */
const deliveryOf = (g: fc.GeneratorValue, log: Uint8Array[]): Uint8Array[] => {
  const duplicates = g(fc.array, fc.constantFrom(...log), { maxLength: log.length })
  const all = [...log, ...duplicates]
  return g(fc.shuffledSubarray, all, { minLength: all.length, maxLength: all.length })
}

describe('rule 1: fields are independent', () => {
  it('keeps both an offline assignment and a concurrent status change', () => {
    fc.assert(
      fc.property(
        clientIDs({ min: 2, max: 2 }),
        fc.array(fieldWrite, { maxLength: 4 }),
        fc.array(fc.constantFrom(...people), { minLength: 1, maxLength: 3 }),
        fc.array(statusInput, { minLength: 1, maxLength: 3 }),
        fc.gen(),
        ([idA, idB], base, assignees, statuses, g) => {
          const net = new Network()
          const a = net.replica(idA!)
          const b = net.replica(idB!)
          base.forEach((w, i) => write(a, w, `base-${i}`, i))
          syncAll([a, b])

          let lastAssignee: FieldValue<'assignee'> | null = null
          assignees.forEach((value, i) => (lastAssignee = writeField(a, 'assignee', { value }, { by: 'a', at: 100 + i, writeId: `a-${i}` })))
          let lastStatus: FieldValue<'status'> | null = null
          statuses.forEach((input, i) => (lastStatus = writeField(b, 'status', input, { by: 'b', at: 100 + i, writeId: `b-${i}` })))

          for (const doc of [a, b, replay(7, deliveryOf(g, net.log)), replay(8, deliveryOf(g, net.log))]) {
            deliver(doc, deliveryOf(g, net.log))
            expect(readField(doc, 'assignee')).toEqual(lastAssignee)
            expect(readField(doc, 'status')).toEqual(lastStatus)
            expect(projectConversation(doc).assigneeId).toBe(assignees.at(-1))
            expect(projectConversation(doc).status).toBe(statuses.at(-1)!.value)
          }
        },
      ),
      { numRuns: 100 },
    )
  })

  it('keeps every replica’s write when each concurrently writes a different field', () => {
    const fields = ['status', 'assignee', 'team', 'priority'] as const
    fc.assert(
      fc.property(clientIDs({ min: 4, max: 4 }), fc.tuple(statusInput, fc.constantFrom(...people), fc.constantFrom(...teams), fc.constantFrom(...Priority.options)), fc.gen(), (clients, [status, assignee, team, priority], g) => {
        const net = new Network()
        const docs = clients.map((id) => net.replica(id))
        const written = [
          writeField(docs[0]!, 'status', status, { by: 'a', at: 1, writeId: 's' }),
          writeField(docs[1]!, 'assignee', { value: assignee }, { by: 'b', at: 1, writeId: 'a' }),
          writeField(docs[2]!, 'team', { value: team }, { by: 'c', at: 1, writeId: 't' }),
          writeField(docs[3]!, 'priority', { value: priority }, { by: 'd', at: 1, writeId: 'p' }),
        ]
        const merged = replay(9, deliveryOf(g, net.log))
        fields.forEach((field, i) => expect(readField(merged, field)).toEqual(written[i]))
      }),
      { numRuns: 100 },
    )
  })
})

describe('rule 1: concurrent writes to the same field', () => {
  it('end with the same winner everywhere, one of the written values, and each loser can tell it lost', () => {
    fc.assert(
      fc.property(
        clientIDs({ min: 2, max: 4 }),
        fc.option(anyValue),
        anyField,
        fc.array(anyValue, { minLength: 4, maxLength: 4 }),
        fc.gen(),
        (clients, previous, field, candidates, g) => {
          const net = new Network()
          const docs = clients.map((id) => net.replica(id))
          // The predecessor every concurrent writer saw: none, or a write of this field.
          const before = previous === null ? null : write(docs[0]!, pick(field, previous), 'w0', 0)
          syncAll(docs)

          const written = docs.map((doc, i) => write(doc, pick(field, candidates[i]!), `w-${doc.clientID}`, 10))
          for (const w of written) expect(w.over).toBe(before?.writeId ?? null)

          const outcomes = [...docs, replay(5, deliveryOf(g, net.log)), replay(6, deliveryOf(g, net.log))].map((doc) => {
            deliver(doc, deliveryOf(g, net.log))
            return readField(doc, field)
          })
          const winner = outcomes[0]!
          for (const outcome of outcomes) expect(outcome).toEqual(winner)
          expect(written).toContainEqual(winner)

          // What each writer's UI checks after the merge: is the current value mine, a later write
          // that saw mine, or a concurrent one that replaced what I replaced (I lost)?
          const losers = written.filter((w) => w.writeId !== winner!.writeId)
          expect(losers).toHaveLength(written.length - 1)
          for (const loser of losers) expect(winner!.over).toBe(loser.over)
        },
      ),
      { numRuns: 100 },
    )
  })

  it('tell an informed overwrite from a concurrent one: the later write names the one it saw', () => {
    fc.assert(
      fc.property(clientIDs({ min: 2, max: 2 }), anyValue, anyValue, anyField, (clients, v1, v2, field) => {
        const net = new Network()
        const [a, b] = clients.map((id) => net.replica(id)) as [Y.Doc, Y.Doc]
        const first = write(a, pick(field, v1), 'first', 1)
        syncAll([a, b])
        const second = write(b, pick(field, v2), 'second', 2)
        syncAll([a, b])
        expect(readField(a, field)).toEqual(second)
        expect(second.over).toBe(first.writeId)
      }),
      { numRuns: 50 },
    )
  })
})

/** A write of `field` with that field's generated value. */
function pick(field: FieldName, v: AnyValue): FieldWrite {
  switch (field) {
    case 'status':
      return { field, input: v.status }
    case 'assignee':
      return { field, input: { value: v.assignee } }
    case 'team':
      return { field, input: { value: v.team } }
    case 'priority':
      return { field, input: { value: v.priority } }
  }
}
