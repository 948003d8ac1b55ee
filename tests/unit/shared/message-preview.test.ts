import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { previewOf } from '../../../shared/message-preview.ts'

/** No unpaired UTF-16 surrogate (String#isWellFormed is ES2024, past this project's lib). */
const wellFormed = (text: string): boolean => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text)

describe('previewOf', () => {
  it('keeps the kind and time', () => {
    expect(previewOf('note', 'hi', 42)).toEqual({ kind: 'note', body: 'hi', at: 42, authorAgentId: null })
    expect(previewOf('reply', 'hi', 42, 'agent-1').authorAgentId).toBe('agent-1')
  })

  it('collapses whitespace, newlines included, and trims', () => {
    expect(previewOf('incoming', '  Hello\n\n  there\t friend  ', 1).body).toBe('Hello there friend')
  })

  it('drops markdown marks', () => {
    expect(previewOf('reply', '# Title\n> **bold** _it_ `code` [link](x)', 1).body).toBe('Title bold it code link(x)')
  })

  it('is empty for a body of only marks and spaces', () => {
    expect(previewOf('reply', ' ** \n _ ', 1).body).toBe('')
  })

  it('keeps a body of exactly 140 characters whole', () => {
    const body = 'x'.repeat(140)
    expect(previewOf('incoming', body, 1).body).toBe(body)
  })

  it('cuts a longer body to 140 characters ending with an ellipsis', () => {
    const body = previewOf('incoming', 'y'.repeat(141), 1).body
    expect(body).toHaveLength(140)
    expect(body).toBe(`${'y'.repeat(139)}…`)
  })

  it('measures the length after cleaning, not before', () => {
    const body = `${'*'.repeat(100)}${'z'.repeat(140)}`
    expect(previewOf('incoming', body, 1).body).toBe('z'.repeat(140))
  })

  it('never cuts an emoji in half (a lone surrogate shows as a broken character)', () => {
    expect(wellFormed(`${'a'.repeat(138)}😀`.slice(0, 139))).toBe(false)
    const body = previewOf('incoming', `${'a'.repeat(138)}😀 and more`, 1).body
    expect(wellFormed(body)).toBe(true)
    expect(body).toBe(`${'a'.repeat(138)}…`)
  })

  it('is always well-formed, at most 140 characters, and on one line', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        const { body } = previewOf('incoming', text, 0)
        expect(body.length).toBeLessThanOrEqual(140)
        expect(wellFormed(body)).toBe(true)
        expect(body).not.toMatch(/\s\s|\n|^\s|\s$/)
      }),
      { numRuns: 200 },
    )
  })
})
