import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { addLabel, removeLabel, writeField } from '../../../../shared/conversation-doc.ts'
import { emptyConversationState, projectConversation } from '../../../../shared/project-conversation.ts'
import { mergeStates, projectState } from '../../../../client/sync/doc-state.ts'
import { captureUpdate, ids, newDoc, setStatus, write } from '../fixtures.ts'

/** Two agents' concurrent edits to one conversation, each as its own update. */
function concurrentEdits() {
  const base = newDoc(1)
  setStatus(base, 'open', 'system', 1)
  const start = Y.encodeStateAsUpdate(base)
  const alice = newDoc(2, [start])
  const bob = newDoc(3, [start])
  const a = captureUpdate(alice, (d) => {
    writeField(d, 'assignee', { value: ids.alice }, write(ids.alice, 10))
    addLabel(d, 'vip', { by: ids.alice, at: 10 })
  })
  const b = captureUpdate(bob, (d) => {
    setStatus(d, 'resolved', ids.bob, 11, 4)
    addLabel(d, 'billing', { by: ids.bob, at: 11 })
  })
  return { start, a, b }
}

describe('mergeStates', () => {
  it('returns a single state as it is', () => {
    const { start } = concurrentEdits()
    expect(mergeStates([start])).toBe(start)
  })

  it('merges concurrent edits into one state holding both', () => {
    const { start, a, b } = concurrentEdits()
    expect(projectState(mergeStates([start, a, b]))).toMatchObject({
      status: 'resolved',
      assigneeId: ids.alice,
      labels: ['billing', 'vip'],
    })
  })

  it('gives the same projection whatever the order and however often an update comes', () => {
    const { start, a, b } = concurrentEdits()
    const expected = projectState(mergeStates([start, a, b]))
    for (const order of [
      [b, a, start],
      [a, start, b, a],
      [start, b, b, a, start],
    ]) {
      expect(projectState(mergeStates(order))).toEqual(expected)
    }
    // Merging merged states again (as the device does on every feed entry) changes nothing either.
    expect(projectState(mergeStates([mergeStates([start, a]), mergeStates([start, b])]))).toEqual(expected)
  })
})

describe('projectState', () => {
  it('projects an empty doc to an open, unassigned conversation', () => {
    expect(projectState(Y.encodeStateAsUpdate(new Y.Doc()))).toEqual(emptyConversationState)
  })

  it('agrees with projecting the live doc (the server uses projectConversation)', () => {
    const doc = newDoc(1)
    writeField(doc, 'status', { value: 'snoozed', snoozedUntil: 50_000, seenSeq: 7 }, write(ids.bob, 20))
    writeField(doc, 'team', { value: ids.team }, write(ids.bob, 21))
    writeField(doc, 'priority', { value: 'high' }, write(ids.bob, 22))
    addLabel(doc, 'vip', { by: ids.bob, at: 23 })
    expect(projectState(Y.encodeStateAsUpdate(doc))).toEqual(projectConversation(doc))
  })
})
