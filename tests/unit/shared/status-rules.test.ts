import { describe, it, expect } from 'vitest'
import { emptyConversationState, type ConversationState } from '../../../shared/project-conversation.ts'
import {
  describeChange,
  effectiveStatus,
  isSnoozeDue,
  isStaleStatus,
  reopensOnCustomerMessage,
} from '../../../shared/status-rules.ts'
import { ids } from './replicas.ts'

const state = (patch: Partial<ConversationState>): ConversationState => ({ ...emptyConversationState, ...patch })
const snoozed = (until: number | null) => state({ status: 'snoozed', snoozedUntil: until })

describe('isSnoozeDue (rule 4)', () => {
  it('is due at and after its time, not before', () => {
    expect(isSnoozeDue(snoozed(1_000), 999)).toBe(false)
    expect(isSnoozeDue(snoozed(1_000), 1_000)).toBe(true)
    expect(isSnoozeDue(snoozed(1_000), 50_000)).toBe(true)
  })

  it('is never due without a time', () => {
    expect(isSnoozeDue(snoozed(null), Number.MAX_SAFE_INTEGER)).toBe(false)
  })

  it.each(['open', 'pending', 'resolved'] as const)('is never due for a %s conversation', (status) => {
    expect(isSnoozeDue(state({ status, snoozedUntil: 1 }), 10)).toBe(false)
  })
})

describe('effectiveStatus', () => {
  it('shows a due snooze as open, before the server wakes it', () => {
    expect(effectiveStatus(snoozed(1_000), 1_000)).toBe('open')
  })

  it('shows a snooze that is not due yet as snoozed', () => {
    expect(effectiveStatus(snoozed(1_000), 999)).toBe('snoozed')
  })

  it.each(['open', 'pending', 'resolved'] as const)('shows %s as it is', (status) => {
    expect(effectiveStatus(state({ status }), 10)).toBe(status)
  })
})

describe('isStaleStatus (rule 3)', () => {
  it('flags a Resolve chosen before the newest customer message', () => {
    expect(isStaleStatus(state({ status: 'resolved', statusSeenSeq: 4 }), 5)).toBe(true)
  })

  it('accepts a Resolve that had seen the newest customer message', () => {
    expect(isStaleStatus(state({ status: 'resolved', statusSeenSeq: 5 }), 5)).toBe(false)
    expect(isStaleStatus(state({ status: 'resolved', statusSeenSeq: 8 }), 5)).toBe(false)
  })

  it.each(['pending', 'snoozed'] as const)('treats %s like Resolve', (status) => {
    expect(isStaleStatus(state({ status, statusSeenSeq: 1 }), 2)).toBe(true)
    expect(isStaleStatus(state({ status, statusSeenSeq: 2 }), 2)).toBe(false)
  })

  it('never flags an open conversation: there is nothing to correct', () => {
    expect(isStaleStatus(state({ status: 'open', statusSeenSeq: 0 }), 100)).toBe(false)
  })

  it('does not flag a conversation with no customer message', () => {
    expect(isStaleStatus(state({ status: 'resolved', statusSeenSeq: 0 }), 0)).toBe(false)
  })
})

describe('reopensOnCustomerMessage (rule 4)', () => {
  it.each(['pending', 'snoozed', 'resolved'] as const)('reopens a %s conversation', (status) => {
    expect(reopensOnCustomerMessage(state({ status }))).toBe(true)
  })

  it('leaves an open conversation alone', () => {
    expect(reopensOnCustomerMessage(state({ status: 'open' }))).toBe(false)
  })
})

describe('describeChange', () => {
  const agents: Record<string, string> = { [ids.alice]: 'Alice', [ids.bob]: 'Bob', [ids.carol]: 'Carol' }
  const teams: Record<string, string> = { [ids.billingTeam]: 'Billing', [ids.vipTeam]: 'VIP' }
  const names = { agent: (id: string) => agents[id] ?? '?', team: (id: string) => teams[id] ?? '?' }
  const formatTime = (ms: number) => `<${ms}>`
  const actor = (name: string) => ({ id: `id-of-${name}`, name })
  const linesFor = (
    before: ConversationState,
    after: ConversationState,
    actors = { status: actor('Alice'), assignee: actor('Bob'), team: actor('Dana') },
  ) => describeChange(before, after, actors, names, formatTime)

  it('says nothing when nothing shown changed', () => {
    const s = state({ status: 'pending', assigneeId: ids.bob })
    expect(linesFor(s, { ...s })).toEqual([])
    expect(linesFor(s, { ...s, priority: 'high', labels: ['vip'], statusSeenSeq: 9 })).toEqual([])
  })

  it.each<[ConversationState['status'], string]>([
    ['resolved', 'Alice resolved the conversation'],
    ['pending', 'Alice marked the conversation as pending'],
    ['open', 'Alice reopened the conversation'],
  ])('describes a status change to %s', (status, line) => {
    const before = state({ status: status === 'open' ? 'resolved' : 'open' })
    expect(linesFor(before, state({ status }))).toEqual([line])
  })

  it('describes a snooze with its time', () => {
    expect(linesFor(state({}), snoozed(1_700_000_000_000))).toEqual(['Alice snoozed the conversation until <1700000000000>'])
  })

  it('describes a snooze without a time without one', () => {
    expect(linesFor(state({}), snoozed(null))).toEqual(['Alice snoozed the conversation'])
  })

  it('describes a changed snooze time (status unchanged)', () => {
    expect(linesFor(snoozed(1_000), snoozed(2_000))).toEqual(['Alice snoozed the conversation until <2000>'])
  })

  it('describes an assignment with the assignee’s name', () => {
    expect(linesFor(state({}), state({ assigneeId: ids.carol }))).toEqual(['Bob assigned the conversation to Carol'])
  })

  it('describes a reassignment and an unassignment', () => {
    expect(linesFor(state({ assigneeId: ids.carol }), state({ assigneeId: ids.alice }))).toEqual([
      'Bob assigned the conversation to Alice',
    ])
    expect(linesFor(state({ assigneeId: ids.carol }), state({ assigneeId: null }))).toEqual(['Bob unassigned the conversation'])
  })

  it('describes team changes', () => {
    expect(linesFor(state({}), state({ teamId: ids.billingTeam }))).toEqual(['Dana assigned the conversation to team Billing'])
    expect(linesFor(state({ teamId: ids.billingTeam }), state({ teamId: ids.vipTeam }))).toEqual([
      'Dana assigned the conversation to team VIP',
    ])
    expect(linesFor(state({ teamId: ids.vipTeam }), state({ teamId: null }))).toEqual(['Dana removed the team'])
  })

  it('describes several changes in a fixed order: status, assignee, team', () => {
    const after = state({ status: 'resolved', assigneeId: ids.alice, teamId: ids.vipTeam })
    expect(linesFor(state({}), after)).toEqual([
      'Alice resolved the conversation',
      'Bob assigned the conversation to Alice',
      'Dana assigned the conversation to team VIP',
    ])
  })

  it('uses the actor of each field', () => {
    const lines = linesFor(state({}), state({ status: 'resolved', assigneeId: ids.carol }), {
      status: actor('System'),
      assignee: actor('Bob'),
      team: actor('x'),
    })
    expect(lines).toEqual(['System resolved the conversation', 'Bob assigned the conversation to Carol'])
  })

  it('says an agent who assigns to themself took the conversation', () => {
    const lines = linesFor(state({}), state({ assigneeId: ids.bob }), { status: actor('x'), assignee: { id: ids.bob, name: 'Bob' }, team: actor('x') })
    expect(lines).toEqual(['Bob took the conversation'])
  })
})
