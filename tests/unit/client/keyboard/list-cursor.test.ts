import { describe, expect, it } from 'vitest'
import { stepCursor } from '../../../../client/keyboard/list-cursor.ts'

describe('stepCursor', () => {
  const ids = ['a', 'b', 'c']
  it('starts at the first row going down and the last going up', () => {
    expect(stepCursor(ids, null, 1)).toBe('a')
    expect(stepCursor(ids, null, -1)).toBe('c')
  })
  it('moves one row and stops at the ends', () => {
    expect(stepCursor(ids, 'a', 1)).toBe('b')
    expect(stepCursor(ids, 'b', -1)).toBe('a')
    expect(stepCursor(ids, 'c', 1)).toBe('c')
    expect(stepCursor(ids, 'a', -1)).toBe('a')
  })
  it('restarts at an edge when the row left the list, and is null on an empty list', () => {
    expect(stepCursor(ids, 'gone', 1)).toBe('a')
    expect(stepCursor([], 'a', 1)).toBeNull()
  })
})
