import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { keyFromLabel, mergeAttributes, setProblem, valueProblem } from '../../../shared/contact-attributes.ts'
import type { AttributeDefinition, AttributeType } from '../../../shared/schemas/attributes.ts'

const def = (key: string, type: AttributeType, label = key): AttributeDefinition => ({
  id: crypto.randomUUID(),
  accountId: crypto.randomUUID(),
  key,
  label,
  type,
  createdAt: 0,
})

describe('contact attribute values', () => {
  it.each<[AttributeType, unknown[], unknown[]]>([
    ['text', ['', 'Pro', 'x'.repeat(1000)], [3, true, 'x'.repeat(1001)]],
    ['number', [0, -2.5, 1e9], ['3', Number.NaN, Number.POSITIVE_INFINITY, false]],
    ['date', ['2027-03-31', '2024-02-29'], ['2027-02-30', '2023-02-29', '31/03/2027', '2027-3-31', 20270331]],
    ['link', ['https://crm.example.com/r/1', 'http://example.com'], ['javascript:alert(1)', 'crm.example.com', 'ftp://x.test/a', 7]],
    ['checkbox', [true, false], ['true', 1, 0]],
  ])('%s takes what fits and refuses the rest; null (clearing) always fits', (type, good, bad) => {
    for (const v of good) expect(valueProblem(type, v as never), String(v)).toBeNull()
    for (const v of bad) expect(valueProblem(type, v as never), String(v)).not.toBeNull()
    expect(valueProblem(type, null)).toBeNull()
  })

  it('names the first unknown key or wrong value as set.<key>, with the label in the message', () => {
    const defs = [def('vip', 'checkbox', 'VIP'), def('seats', 'number', 'Seats')]
    expect(setProblem(defs, { vip: true, seats: 3 })).toBeNull()
    expect(setProblem(defs, { vip: null })).toBeNull()
    expect(setProblem(defs, { colour: 'red' })).toEqual({ field: 'set.colour', message: 'colour is not an attribute of this workspace' })
    expect(setProblem(defs, { vip: true, seats: 'many' })).toEqual({ field: 'set.seats', message: 'Seats must be a number' })
  })

  it('derives keys from labels', () => {
    expect(keyFromLabel('VIP')).toBe('vip')
    expect(keyFromLabel('Customer since')).toBe('customer_since')
    expect(keyFromLabel('  Día de alta! ')).toBe('dia_de_alta')
    expect(keyFromLabel('2nd phone')).toBe('a_2nd_phone')
    expect(keyFromLabel('日本')).toBe('')
    expect(keyFromLabel('x'.repeat(80))).toHaveLength(50)
  })
})

describe('merging per key', () => {
  it('sets the named keys, removes those set to null, keeps the others', () => {
    expect(mergeAttributes({ plan: 'pro', seats: 3, vip: false }, { seats: 5, vip: null, city: 'Oslo' })).toEqual({ plan: 'pro', seats: 5, city: 'Oslo' })
  })

  it('edits of different keys commute: applied in either order, both survive; on one key the later wins', () => {
    const value = fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.boolean(), fc.constant(null))
    const attrs = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), value.filter((v) => v !== null))
    fc.assert(
      fc.property(attrs, fc.dictionary(fc.constantFrom('a', 'b'), value), fc.dictionary(fc.constantFrom('c', 'd'), value), (start, x, y) => {
        const xy = mergeAttributes(mergeAttributes(start, x), y)
        const yx = mergeAttributes(mergeAttributes(start, y), x)
        expect(xy).toEqual(yx)
        for (const [k, v] of Object.entries({ ...x, ...y })) expect(xy[k]).toEqual(v === null ? undefined : v)
      }),
    )
    expect(mergeAttributes(mergeAttributes({}, { a: 1 }), { a: 2 })).toEqual({ a: 2 })
  })
})
