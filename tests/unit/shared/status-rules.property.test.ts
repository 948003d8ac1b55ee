import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { Priority, Status } from '../../../shared/conversation-doc.ts'
import { ConversationState } from '../../../shared/project-conversation.ts'
import { effectiveStatus, isSnoozeDue, isStaleStatus, reopensOnCustomerMessage } from '../../../shared/status-rules.ts'
import { ids } from './replicas.ts'

// DESIGN §4 rules 3 and 4 as pure functions of a state, a seq and the time: the same answers on the
// server, on every device, offline included.

const time = fc.nat({ max: 1_000_000 })
const seq = fc.nat({ max: 1_000 })

const state: fc.Arbitrary<ConversationState> = fc.record({
  status: fc.constantFrom(...Status.options),
  snoozedUntil: fc.option(time),
  statusSeenSeq: seq,
  statusBy: fc.option(fc.constantFrom(ids.alice, ids.bob, 'system')),
  statusAt: fc.option(time),
  assigneeId: fc.option(fc.constantFrom(ids.alice, ids.bob)),
  teamId: fc.option(fc.constantFrom(ids.vipTeam)),
  priority: fc.constantFrom(...Priority.options),
  labels: fc.uniqueArray(fc.constantFrom('bug', 'vip')).map((l) => l.sort()),
})

/** A time, often right at or next to the state's snooze time, where an off-by-one would show. */
const nowFor = (s: ConversationState) =>
  s.snoozedUntil === null ? time : fc.oneof(time, fc.integer({ min: -1, max: 1 }).map((d) => Math.max(0, s.snoozedUntil! + d)))
const stateAndNow = state.chain((s) => nowFor(s).map((now) => [s, now] as const))

describe('status rules (properties)', () => {
  it('generates valid states (the arbitrary is not vacuous)', () => {
    fc.assert(
      fc.property(state, (s) => {
        expect(ConversationState.safeParse(s).success).toBe(true)
      }),
      { numRuns: 50 },
    )
  })

  it('rule 3: a status is stale iff it is not open and its author had not seen the newest customer message', () => {
    fc.assert(
      fc.property(state, seq, (s, lastCustomerSeq) => {
        expect(isStaleStatus(s, lastCustomerSeq)).toBe(s.status !== 'open' && s.statusSeenSeq < lastCustomerSeq)
      }),
      { numRuns: 200 },
    )
  })

  it('rule 3: a status chosen after seeing the newest customer message is never stale', () => {
    fc.assert(
      fc.property(state, fc.nat({ max: 50 }), (s, lag) => {
        expect(isStaleStatus({ ...s, statusSeenSeq: s.statusSeenSeq + lag }, s.statusSeenSeq)).toBe(false)
      }),
      { numRuns: 100 },
    )
  })

  it('rule 4: a snooze is due iff snoozed with a time at or before now', () => {
    fc.assert(
      fc.property(stateAndNow, ([s, now]) => {
        expect(isSnoozeDue(s, now)).toBe(s.status === 'snoozed' && s.snoozedUntil !== null && s.snoozedUntil <= now)
      }),
      { numRuns: 200 },
    )
  })

  it('rule 4: once due, a snooze stays due as time passes', () => {
    fc.assert(
      fc.property(state, time, fc.nat({ max: 100_000 }), (s, now, later) => {
        if (isSnoozeDue(s, now)) expect(isSnoozeDue(s, now + later)).toBe(true)
        else expect(isSnoozeDue(s, Math.max(0, now - later))).toBe(false)
      }),
      { numRuns: 200 },
    )
  })

  it('effectiveStatus never shows a due snooze as snoozed, and changes nothing else', () => {
    fc.assert(
      fc.property(stateAndNow, ([s, now]) => {
        const shown = effectiveStatus(s, now)
        if (isSnoozeDue(s, now)) expect(shown).toBe('open')
        else expect(shown).toBe(s.status)
      }),
      { numRuns: 200 },
    )
  })

  it('rule 4: a customer message reopens every status but open', () => {
    fc.assert(
      fc.property(state, (s) => {
        expect(reopensOnCustomerMessage(s)).toBe(s.status !== 'open')
      }),
      { numRuns: 100 },
    )
  })
})
