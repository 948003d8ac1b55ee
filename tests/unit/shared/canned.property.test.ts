import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { CANNED_VARIABLES, type CannedContext, fillCanned } from '../../../shared/canned.ts'

// Filling runs on whatever an agent saved and whatever a contact is called: it must never throw, and
// a known variable never leaves braces behind for a customer to read.

const anyText = fc.string({ maxLength: 60 })
const value = fc.option(fc.string({ maxLength: 20 }), { nil: null })
const context: fc.Arbitrary<CannedContext> = fc.record(
  {
    contact: fc.option(fc.record({ name: value, email: value }), { nil: null }),
    agent: fc.option(fc.record({ name: value, email: value }), { nil: null }),
    conversation: fc.option(fc.record({ number: fc.option(fc.nat(), { nil: null }) }), { nil: null }),
  },
  { requiredKeys: [] },
)
/** A placeholder of a known variable, spaced and cased at random, with or without a fallback. */
const knownPlaceholder = fc
  .tuple(
    fc.constantFrom(...CANNED_VARIABLES),
    fc.boolean(),
    fc.constantFrom('', ' ', '  '),
    fc.option(fc.string({ maxLength: 10 }).filter((s) => !/[{}]/.test(s)), { nil: undefined }),
  )
  .map(([name, upper, space, fallback]) => {
    const shown = upper ? name.toUpperCase() : name
    return `{{${space}${shown}${space}${fallback === undefined ? '' : `|${fallback}`}}}`
  })

describe('fillCanned (property)', () => {
  it('never throws, whatever the content and the context', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(anyText, knownPlaceholder, fc.constantFrom('{{', '}}', '|', '{', '}'))), context, (parts, ctx) => {
        expect(typeof fillCanned(parts.join(''), ctx)).toBe('string')
      }),
    )
  })

  it('leaves no braces of a known variable when neither the text nor the values have any', () => {
    const plain = fc.string({ maxLength: 30 }).filter((s) => !/[{}]/.test(s))
    const braceless = fc.option(plain, { nil: null })
    const ctx = fc.record({
      contact: fc.record({ name: braceless, email: braceless }),
      agent: fc.record({ name: braceless, email: braceless }),
      conversation: fc.record({ number: fc.option(fc.nat(), { nil: null }) }),
    })
    fc.assert(
      fc.property(fc.array(fc.oneof(plain, knownPlaceholder), { maxLength: 8 }), ctx, (parts, c) => {
        const filled = fillCanned(parts.join(''), c)
        expect(filled).not.toContain('{{')
        expect(filled).not.toContain('}}')
      }),
    )
  })

  it('changes nothing in text without placeholders', () => {
    fc.assert(
      fc.property(fc.string().filter((s) => !s.includes('{{')), context, (text, ctx) => {
        expect(fillCanned(text, ctx)).toBe(text)
      }),
    )
  })
})
