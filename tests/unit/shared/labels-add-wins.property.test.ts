import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import type * as Y from 'yjs'
import { addLabel, readLabels, removeLabel, writeField } from '../../../shared/conversation-doc.ts'
import { projectConversation } from '../../../shared/project-conversation.ts'
import { Network, deliver, replay, syncAll } from './replicas.ts'

// DESIGN §4 rule 2: labels are an add-wins set. A remove takes away only the adds its author had
// seen; an add it had not seen survives, on every replica and in every delivery order.

const L = 'escalated'
const others = ['bug', 'vip', 'billing']
const by = (doc: Y.Doc) => ({ by: `agent-${doc.clientID}`, at: 1 })

const clientIDs = (n: number) => fc.uniqueArray(fc.integer({ min: 1, max: 2 ** 31 - 1 }), { minLength: n, maxLength: n })

/** Unrelated edits a replica may make meanwhile (they must not change the outcome for L). */
const noise = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('add' as const), label: fc.constantFrom(...others) }),
    fc.record({ kind: fc.constant('remove' as const), label: fc.constantFrom(...others) }),
    fc.record({ kind: fc.constant('priority' as const), value: fc.constantFrom('low' as const, 'high' as const) }),
  ),
  { maxLength: 4 },
)
type Noise = typeof noise extends fc.Arbitrary<infer T> ? T : never

function applyNoise(doc: Y.Doc, edits: Noise): void {
  edits.forEach((e, i) => {
    if (e.kind === 'add') addLabel(doc, e.label, by(doc))
    else if (e.kind === 'remove') removeLabel(doc, e.label)
    else writeField(doc, 'priority', { value: e.value }, { by: 'x', at: i, writeId: `${doc.clientID}-n${i}` })
  })
}

const deliveryOf = (g: fc.GeneratorValue, log: Uint8Array[]): Uint8Array[] => {
  const duplicates = g(fc.array, fc.constantFrom(...log), { maxLength: log.length })
  const all = [...log, ...duplicates]
  return g(fc.shuffledSubarray, all, { minLength: all.length, maxLength: all.length })
}

/** L's presence on every given replica and on fresh replicas fed the log in random orders. */
function presence(net: Network, docs: Y.Doc[], g: fc.GeneratorValue): boolean[] {
  const all = [...docs, replay(100, deliveryOf(g, net.log)), replay(101, deliveryOf(g, net.log))]
  return all.map((doc) => {
    deliver(doc, deliveryOf(g, net.log))
    return readLabels(doc).includes(L) && projectConversation(doc).labels.includes(L)
  })
}

describe('rule 2: labels are an add-wins set', () => {
  it('keeps a label one agent re-adds while another removes it', () => {
    fc.assert(
      fc.property(clientIDs(3), noise, noise, fc.gen(), ([idA, idB, idC], noiseA, noiseB, g) => {
        const net = new Network()
        const [a, b, c] = [net.replica(idA!), net.replica(idB!), net.replica(idC!)]
        addLabel(c, L, by(c))
        syncAll([a, b, c])
        applyNoise(a, noiseA)
        removeLabel(a, L)
        applyNoise(b, noiseB)
        addLabel(b, ` ${L.toUpperCase()}`, by(b))
        expect(presence(net, [a, b, c], g).every(Boolean)).toBe(true)
      }),
      { numRuns: 100 },
    )
  })

  it('keeps a label one agent adds while the other does something else', () => {
    fc.assert(
      fc.property(clientIDs(2), fc.boolean(), noise, fc.gen(), ([idA, idB], existed, noiseB, g) => {
        const net = new Network()
        const [a, b] = [net.replica(idA!), net.replica(idB!)]
        if (existed) addLabel(b, L, by(b))
        syncAll([a, b])
        addLabel(a, L, by(a))
        applyNoise(b, noiseB)
        expect(presence(net, [a, b], g).every(Boolean)).toBe(true)
      }),
      { numRuns: 100 },
    )
  })

  it('removes a label when the remove had seen every add', () => {
    fc.assert(
      fc.property(clientIDs(3), noise, fc.gen(), ([idA, idB, idC], noiseB, g) => {
        const net = new Network()
        const docs = [net.replica(idA!), net.replica(idB!), net.replica(idC!)]
        const [a, b] = docs as [Y.Doc, Y.Doc]
        // Concurrent adds from everyone, then a sync, so the remover has seen them all.
        for (const doc of docs) addLabel(doc, L, by(doc))
        syncAll(docs)
        removeLabel(a, L)
        applyNoise(b, noiseB)
        expect(presence(net, docs, g).some(Boolean)).toBe(false)
      }),
      { numRuns: 100 },
    )
  })

  it('behaves as a plain set of normalised names without concurrency, whatever the delivery order', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.constantFrom('a', 'B', ' b ', 'c')), { maxLength: 20 }), (edits) => {
        const net = new Network()
        const doc = net.replica(1)
        const model = new Set<string>()
        for (const [add, label] of edits) {
          const name = label.trim().toLowerCase()
          if (add) {
            addLabel(doc, label, by(doc))
            model.add(name)
          } else {
            removeLabel(doc, label)
            model.delete(name)
          }
        }
        expect(readLabels(doc)).toEqual([...model].sort())
        expect(readLabels(replay(2, [...net.log].reverse()))).toEqual([...model].sort())
      }),
      { numRuns: 100 },
    )
  })

  // Once a bug: with one map key per name, two concurrent adds competed for that key and a remove of the
  // one its author saw also took away the unseen one. Each add now has its own key.
  it('keeps an add the remover had not seen (remover added and removed it itself meanwhile)', () => {
    const net = new Network()
    const a = net.replica(2)
    const b = net.replica(1)
    addLabel(a, L, by(a))
    removeLabel(a, L)
    addLabel(b, L, by(b)) // concurrent, never seen by a's remove
    syncAll([a, b])
    expect(readLabels(a)).toContain(L)
    expect(readLabels(b)).toContain(L)
  })

  it('keeps an add made offline by an agent who never saw the label (another agent removes it meanwhile)', () => {
    const net = new Network()
    const carol = net.replica(30) // added L earlier
    const alice = net.replica(20) // saw Carol's L and removes it
    const bob = net.replica(10) // offline, had not seen L, adds it
    addLabel(carol, L, by(carol))
    syncAll([carol, alice])
    addLabel(bob, L, by(bob))
    removeLabel(alice, L)
    syncAll([carol, alice, bob])
    expect(readLabels(bob)).toContain(L)
  })
})
