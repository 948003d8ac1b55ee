import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { AppliedIds } from '../../../../server/cluster/applied-ids.ts'

// A replica's record of the update ids it holds: `through` may only cover ids it really applied,
// since compaction merges up to it (a wrong `through` would replace an unseen update with a state
// that lacks it).

describe('AppliedIds', () => {
  it('advances over consecutive ids and reports an id that skips one', () => {
    const ids = new AppliedIds(3)
    expect(ids.add(4)).toBe(false)
    expect(ids.add(6)).toBe(true)
    expect(ids.through).toBe(4)
    expect(ids.hasGap).toBe(true)
    // The missing one arrives late: both are covered now.
    expect(ids.add(5)).toBe(false)
    expect(ids.through).toBe(6)
    expect(ids.hasGap).toBe(false)
    expect(ids.add(2)).toBe(false)
  })

  it('a catch-up covers everything up to the last id it read', () => {
    const ids = new AppliedIds(0)
    ids.add(5)
    ids.add(9)
    ids.caughtUp(7)
    expect(ids.through).toBe(7)
    expect(ids.hasGap).toBe(true)
    ids.add(8)
    expect(ids.through).toBe(9)
    expect(ids.hasGap).toBe(false)
  })

  it('never claims an id that was not applied (any order, any duplicates)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 80 }), (arrivals) => {
        const ids = new AppliedIds(0)
        const applied = new Set<number>()
        for (const id of arrivals) {
          ids.add(id)
          applied.add(id)
          for (let k = 1; k <= ids.through; k++) expect(applied.has(k)).toBe(true)
        }
        // And once every id up to the highest has come, nothing is left out.
        const max = Math.max(0, ...arrivals)
        if ([...Array(max).keys()].every((k) => applied.has(k + 1))) expect(ids.through).toBe(max)
      }),
    )
  })
})
