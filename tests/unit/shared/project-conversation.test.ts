import { describe, it, expect } from 'vitest'
import { SYSTEM_AUTHOR, addLabel, labelsMap, removeLabel, stateMap, writeField } from '../../../shared/conversation-doc.ts'
import {
  ConversationState,
  emptyConversationState,
  projectConversation,
  sameState,
} from '../../../shared/project-conversation.ts'
import { ids, newDoc } from './replicas.ts'

const ctx = (writeId: string, at: number, by: string = ids.alice) => ({ by, at, writeId })

describe('projectConversation', () => {
  it('projects an empty doc to the empty state (an open, unassigned conversation)', () => {
    const state = projectConversation(newDoc(1))
    expect(state).toEqual(emptyConversationState)
    expect(state.status).toBe('open')
  })

  it('projects every field', () => {
    const doc = newDoc(1)
    writeField(doc, 'status', { value: 'pending', snoozedUntil: null, seenSeq: 12 }, ctx('s1', 100, ids.bob))
    writeField(doc, 'assignee', { value: ids.carol }, ctx('a1', 101))
    writeField(doc, 'team', { value: ids.billingTeam }, ctx('t1', 102))
    writeField(doc, 'priority', { value: 'urgent' }, ctx('p1', 103))
    addLabel(doc, 'vip', { by: ids.alice, at: 104 })
    addLabel(doc, 'billing', { by: ids.alice, at: 105 })
    const state = projectConversation(doc)
    expect(state).toEqual({
      status: 'pending',
      snoozedUntil: null,
      statusSeenSeq: 12,
      statusBy: ids.bob,
      statusAt: 100,
      assigneeId: ids.carol,
      teamId: ids.billingTeam,
      priority: 'urgent',
      labels: ['billing', 'vip'],
    })
    expect(ConversationState.safeParse(state).success).toBe(true)
  })

  it('projects snoozedUntil when the status is snoozed', () => {
    const doc = newDoc(1)
    writeField(doc, 'status', { value: 'snoozed', snoozedUntil: 5_000, seenSeq: 1 }, ctx('s1', 100))
    expect(projectConversation(doc)).toMatchObject({ status: 'snoozed', snoozedUntil: 5_000 })
  })

  it.each(['open', 'pending', 'resolved'] as const)('drops a leftover snoozedUntil when the status is %s', (value) => {
    const doc = newDoc(1)
    writeField(doc, 'status', { value: 'snoozed', snoozedUntil: 5_000, seenSeq: 1 }, ctx('s1', 100))
    writeField(doc, 'status', { value, snoozedUntil: 5_000, seenSeq: 1 }, ctx('s2', 200))
    expect(projectConversation(doc)).toMatchObject({ status: value, snoozedUntil: null })
  })

  it('projects a snooze without a time as snoozed with no time (never due)', () => {
    const doc = newDoc(1)
    writeField(doc, 'status', { value: 'snoozed', snoozedUntil: null, seenSeq: 1 }, ctx('s1', 100))
    expect(projectConversation(doc)).toMatchObject({ status: 'snoozed', snoozedUntil: null })
  })

  it('reflects a removed label and an unassignment', () => {
    const doc = newDoc(1)
    writeField(doc, 'assignee', { value: ids.bob }, ctx('a1', 1))
    addLabel(doc, 'vip', { by: ids.alice, at: 1 })
    writeField(doc, 'assignee', { value: null }, ctx('a2', 2))
    removeLabel(doc, 'vip')
    expect(projectConversation(doc)).toMatchObject({ assigneeId: null, labels: [] })
  })

  it('ignores a garbage status but keeps the valid fields beside it', () => {
    const doc = newDoc(1)
    writeField(doc, 'assignee', { value: ids.bob }, ctx('a1', 1))
    stateMap(doc).set('status', { value: 'resolved', snoozedUntil: null, seenSeq: 'all', by: 'x', at: 1, writeId: 'w', over: null })
    stateMap(doc).set('priority', 'urgent')
    stateMap(doc).set('team', { value: 'not-an-id', by: 'x', at: 1, writeId: 'w', over: null })
    labelsMap(doc).set('!!', { by: 'x', at: 1 })
    const state = projectConversation(doc)
    expect(state).toEqual({ ...emptyConversationState, assigneeId: ids.bob })
  })

  it('ignores unknown keys in the state map', () => {
    const doc = newDoc(1)
    stateMap(doc).set('deleted', true)
    stateMap(doc).set('__proto__', { status: 'resolved' })
    expect(projectConversation(doc)).toEqual(emptyConversationState)
  })
})

describe('sameState', () => {
  const base: ConversationState = {
    status: 'snoozed',
    snoozedUntil: 9_000,
    statusSeenSeq: 4,
    statusBy: ids.alice,
    statusAt: 100,
    assigneeId: ids.bob,
    teamId: ids.vipTeam,
    priority: 'low',
    labels: ['a', 'b'],
  }

  it('is true for equal states, including a copy', () => {
    expect(sameState(base, base)).toBe(true)
    expect(sameState(base, { ...base, labels: [...base.labels] })).toBe(true)
  })

  it.each<[string, Partial<ConversationState>]>([
    ['status', { status: 'resolved' }],
    ['snoozedUntil', { snoozedUntil: 9_001 }],
    ['snoozedUntil (null)', { snoozedUntil: null }],
    ['statusSeenSeq', { statusSeenSeq: 5 }],
    ['statusBy', { statusBy: SYSTEM_AUTHOR }],
    ['statusAt', { statusAt: null }],
    ['assigneeId', { assigneeId: ids.carol }],
    ['teamId', { teamId: null }],
    ['priority', { priority: 'none' }],
    ['labels (one more)', { labels: ['a', 'b', 'c'] }],
    ['labels (one fewer)', { labels: ['a'] }],
    ['labels (same letters, different split)', { labels: ['ab'] }],
  ])('is false when %s differs', (_name, change) => {
    expect(sameState(base, { ...base, ...change })).toBe(false)
    expect(sameState({ ...base, ...change }, base)).toBe(false)
  })
})
