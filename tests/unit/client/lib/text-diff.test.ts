import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { textEdit, transformIndex, type Delta } from '../../../../client/lib/text-diff.ts'

describe('textEdit', () => {
  it('finds the one span a textarea changed', () => {
    expect(textEdit('hello world', 'hello brave world')).toEqual({ index: 6, remove: 0, insert: 'brave ' })
    expect(textEdit('hello brave world', 'hello world')).toEqual({ index: 6, remove: 6, insert: '' })
    expect(textEdit('abc', 'aXc')).toEqual({ index: 1, remove: 1, insert: 'X' })
    expect(textEdit('', 'new')).toEqual({ index: 0, remove: 0, insert: 'new' })
    expect(textEdit('same', 'same')).toEqual({ index: 4, remove: 0, insert: '' })
  })

  it('applying the edit to the old text always gives the new text', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (before, after) => {
        const { index, remove, insert } = textEdit(before, after)
        expect(before.slice(0, index) + insert + before.slice(index + remove)).toBe(after)
      }),
    )
  })
})

describe('transformIndex', () => {
  it('moves a caret after an insertion before it, not after one behind it', () => {
    expect(transformIndex(5, [{ retain: 2 }, { insert: 'abc' }])).toBe(8)
    expect(transformIndex(1, [{ retain: 2 }, { insert: 'abc' }])).toBe(1)
  })

  it('pulls a caret back over a deletion before it, and onto the start of a deletion around it', () => {
    expect(transformIndex(6, [{ retain: 1 }, { delete: 3 }])).toBe(3)
    expect(transformIndex(2, [{ retain: 1 }, { delete: 3 }])).toBe(1)
  })

  it('keeps the caret on the same character for any single remote edit', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.nat(), fc.nat(), fc.string(), fc.nat(), (text, rawCaret, rawAt, insert, rawDel) => {
        const caret = rawCaret % (text.length + 1)
        const at = rawAt % (text.length + 1)
        const del = rawDel % (text.length - at + 1)
        const delta: Delta = [...(at ? [{ retain: at }] : []), ...(del ? [{ delete: del }] : []), ...(insert ? [{ insert }] : [])]
        const after = text.slice(0, at) + insert + text.slice(at + del)
        const moved = transformIndex(caret, delta)
        expect(moved).toBeGreaterThanOrEqual(0)
        expect(moved).toBeLessThanOrEqual(after.length)
        // A caret outside the edited span still sits before the same character.
        if (caret < at) expect(moved).toBe(caret)
        if (caret >= at + del) expect(after.slice(moved)).toBe(text.slice(caret))
      }),
    )
  })
})
