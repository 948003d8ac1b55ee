import { describe, expect, it } from 'vitest'
import { tooManyAttemptsMessage } from '../../../shared/try-again.ts'

describe('the too-many-attempts sentence', () => {
  it('says seconds under a minute, and whole minutes rounded up above', () => {
    expect(tooManyAttemptsMessage(1)).toBe('Too many attempts. Try again in 1 second.')
    expect(tooManyAttemptsMessage(42)).toBe('Too many attempts. Try again in 42 seconds.')
    expect(tooManyAttemptsMessage(60)).toBe('Too many attempts. Try again in 1 minute.')
    expect(tooManyAttemptsMessage(61)).toBe('Too many attempts. Try again in 2 minutes.')
    expect(tooManyAttemptsMessage(900)).toBe('Too many attempts. Try again in 15 minutes.')
  })

  it('never promises less than a second', () => {
    expect(tooManyAttemptsMessage(0)).toBe('Too many attempts. Try again in 1 second.')
    expect(tooManyAttemptsMessage(0.2)).toBe('Too many attempts. Try again in 1 second.')
  })
})
