import { describe, expect, it } from 'vitest'
import { backoffDelay } from '../../../../client/sync/backoff.ts'

// The largest value Math.random can return, so a delay reaches its ceiling minus one.
const ALMOST_ONE = 1 - Number.EPSILON

describe('backoffDelay', () => {
  it('can be zero: full jitter starts at the bottom of the window', () => {
    for (const attempt of [0, 1, 5, 20]) expect(backoffDelay(attempt, { random: () => 0 })).toBe(0)
  })

  it('doubles the window with every attempt, from base', () => {
    const top = (attempt: number) => backoffDelay(attempt, { random: () => ALMOST_ONE })
    expect([0, 1, 2, 3, 4].map(top)).toEqual([499, 999, 1_999, 3_999, 7_999])
  })

  it('never waits max or longer, however many attempts', () => {
    expect(backoffDelay(6, { random: () => ALMOST_ONE })).toBe(29_999)
    expect(backoffDelay(50, { random: () => ALMOST_ONE })).toBe(29_999)
    // A client down for days must still get a finite delay (2 ** 10_000 is Infinity).
    expect(backoffDelay(10_000, { random: () => 0.5 })).toBe(15_000)
  })

  it('scales the random draw over the window', () => {
    expect(backoffDelay(2, { random: () => 0.5 })).toBe(1_000)
    expect(backoffDelay(2, { random: () => 0.25 })).toBe(500)
  })

  it('takes its own base and ceiling', () => {
    const options = { base: 100, max: 1_000, random: () => ALMOST_ONE }
    expect(backoffDelay(0, options)).toBe(99)
    expect(backoffDelay(3, options)).toBe(799)
    expect(backoffDelay(4, options)).toBe(999)
  })

  it('stays a whole number of milliseconds within [0, min(max, base * 2^attempt)) with the real random', () => {
    for (let attempt = 0; attempt < 12; attempt++) {
      const ceiling = Math.min(30_000, 500 * 2 ** attempt)
      for (let i = 0; i < 50; i++) {
        const delay = backoffDelay(attempt)
        expect(Number.isInteger(delay)).toBe(true)
        expect(delay).toBeGreaterThanOrEqual(0)
        expect(delay).toBeLessThan(ceiling)
      }
    }
  })
})
