import fc from 'fast-check'

// JSON Schema (as the OpenAPI document prints our zod schemas) -> fast-check arbitraries, for fuzzing
// the API from its own description. Two flavours: `validish` mostly respects the schema (so requests
// get past validation and reach the services), `invalid` breaks it in one place at a time (so the
// validation and error paths are exercised). Both are loose on purpose: a fuzzer that only produced
// perfect values would miss the edges, and one that only produced garbage would never get past zod.

export interface JsonSchema {
  type?: string | string[]
  format?: string
  enum?: unknown[]
  const?: unknown
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  allOf?: JsonSchema[]
  nullable?: boolean
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: boolean | JsonSchema
  items?: JsonSchema
  minItems?: number
  maxItems?: number
  minLength?: number
  maxLength?: number
  pattern?: string
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number | boolean
  exclusiveMaximum?: number | boolean
  default?: unknown
  $ref?: string
}

export interface SchemaContext {
  /** The OpenAPI document's `components.schemas`, for `$ref`s. */
  components?: Record<string, JsonSchema>
  /** Ids that exist in the account (conversations, contacts, agents…): a uuid is often one of them. */
  knownIds?: readonly string[]
  /** Real values of patterned strings (a widget key): used when they match the field's pattern. */
  knownStrings?: readonly string[]
}

const MAX_DEPTH = 5
/** Own `__proto__` and `constructor` keys, as a hostile client's JSON would carry them. */
const POLLUTION = '{"__proto__":{"admin":true},"constructor":{"prototype":{"role":"admin"}}}'

/** Any JSON value, small. */
export const anyJson: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 3 })

/** Strings that tend to break things: control characters, lone surrogates, huge numbers as text… */
const nastyString = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  '\ud800',
  '💥'.repeat(3),
  '../../etc/passwd',
  '%00',
  '<script>alert(1)</script>',
  "'; DROP TABLE messages; --",
  '1e999',
  '-0',
  'NaN',
  'null',
  '__proto__',
  'constructor',
  '\r\nX-Injected: 1',
  'a'.repeat(10_000),
)

export function resolve(schema: JsonSchema, ctx: SchemaContext): JsonSchema {
  if (!schema.$ref) return schema
  const name = schema.$ref.replace('#/components/schemas/', '')
  const target = ctx.components?.[name]
  if (!target) throw new Error(`unresolved $ref ${schema.$ref}`)
  return resolve(target, ctx)
}

const typesOf = (schema: JsonSchema): string[] => {
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type]
  if (schema.nullable && !types.includes('null')) return [...types, 'null']
  return types
}

/** A value that mostly satisfies the schema. */
export function validish(schema: JsonSchema, ctx: SchemaContext = {}, depth = 0): fc.Arbitrary<unknown> {
  schema = resolve(schema, ctx)
  if (depth > MAX_DEPTH) return fc.constant(null)
  if ('const' in schema) return fc.constant(schema.const)
  if (schema.enum) return fc.constantFrom(...schema.enum)
  const alternatives = schema.anyOf ?? schema.oneOf
  if (alternatives) return fc.oneof(...alternatives.map((s) => validish(s, ctx, depth + 1)))
  if (schema.allOf) return validish(Object.assign({}, ...schema.allOf.map((s) => resolve(s, ctx))) as JsonSchema, ctx, depth + 1)
  const types = typesOf(schema)
  if (types.length === 0) return schema.properties ? objectOf(schema, ctx, depth) : anyJson
  return fc.oneof(...types.map((type) => validOfType(type, schema, ctx, depth)))
}

function validOfType(type: string, schema: JsonSchema, ctx: SchemaContext, depth: number): fc.Arbitrary<unknown> {
  switch (type) {
    case 'null':
      return fc.constant(null)
    case 'boolean':
      return fc.boolean()
    case 'integer':
      return fc.integer({ min: lower(schema, -1_000_000), max: upper(schema, 1_000_000) })
    case 'number':
      return fc.double({ min: lower(schema, -1e6), max: upper(schema, 1e6), noNaN: true, noDefaultInfinity: true })
    case 'string':
      return stringOf(schema, ctx)
    case 'array': {
      const minLength = schema.minItems ?? 0
      // Small arrays: the bounds themselves are probed by `invalid`.
      const maxLength = Math.max(minLength, Math.min(schema.maxItems ?? 4, minLength + 4))
      return fc.array(validish(schema.items ?? {}, ctx, depth + 1), { minLength, maxLength })
    }
    case 'object':
      return objectOf(schema, ctx, depth)
    default:
      return anyJson
  }
}

function lower(schema: JsonSchema, fallback: number): number {
  if (typeof schema.exclusiveMinimum === 'number') return schema.exclusiveMinimum + 1
  return schema.minimum ?? fallback
}

function upper(schema: JsonSchema, fallback: number): number {
  if (typeof schema.exclusiveMaximum === 'number') return schema.exclusiveMaximum - 1
  return schema.maximum ?? Math.max(fallback, lower(schema, fallback))
}

function stringOf(schema: JsonSchema, ctx: SchemaContext): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0
  const max = schema.maxLength ?? 200
  switch (schema.format) {
    case 'uuid': {
      const known = ctx.knownIds ?? []
      return known.length > 0 ? fc.oneof(fc.constantFrom(...known), fc.uuid()) : fc.uuid()
    }
    case 'email': {
      // Plain addresses (fc.emailAddress's RFC corner cases mostly fail zod's stricter check and
      // would never reach the services), sometimes a real one of the account.
      const plain = fc
        .tuple(fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,15}$/), fc.stringMatching(/^[a-z0-9]{1,12}$/), fc.constantFrom('test', 'example', 'com'))
        .map(([local, domain, tld]) => `${local.replace(/[._-]+$/, '')}@${domain}.${tld}`)
      const known = (ctx.knownStrings ?? []).filter((k) => /^[^@\s]+@[^@\s]+$/.test(k))
      return (known.length > 0 ? fc.oneof(plain, fc.constantFrom(...known)) : plain).filter((e) => e.length <= max)
    }
    case 'uri':
    case 'url':
      return fc.webUrl().filter((u) => u.length <= max)
    case 'date-time':
      return fc.date({ noInvalidDate: true }).map((d) => d.toISOString())
  }
  if (schema.pattern) {
    const pattern = new RegExp(schema.pattern)
    // A repeated character class with a length (a base64url key of exactly 88 characters): built
    // from the class at that length. Filtering stringMatching's mostly short strings by length would
    // never find one, and fast-check retries a filter without end (the fuzzer hung on Web Push keys).
    const charClass = /^\^\[([^\]]+)\][+*]\$$/.exec(schema.pattern)?.[1]
    const generated = charClass
      ? fc.string({ unit: fc.stringMatching(new RegExp(`^[${charClass}]$`)), minLength: Math.max(min, 1), maxLength: Math.min(max, Math.max(min, 40)) })
      : fc.stringMatching(pattern).filter((s) => s.length >= min && s.length <= max)
    const known = (ctx.knownStrings ?? []).filter((s) => pattern.test(s))
    return known.length > 0 ? fc.oneof(fc.constantFrom(...known), generated) : generated
  }
  // Mostly short text, sometimes right at the limit (a field's maximum is where bugs live).
  return fc.oneof(
    { weight: 6, arbitrary: fc.string({ minLength: min, maxLength: Math.min(max, Math.max(min, 40)), unit: 'grapheme' }) },
    { weight: 1, arbitrary: fc.constant('x'.repeat(max)) },
    { weight: 1, arbitrary: fc.constant('é'.repeat(Math.max(min, Math.min(max, 64)))) },
  )
}

function objectOf(schema: JsonSchema, ctx: SchemaContext, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {}
  const required = schema.required ?? []
  const record: Record<string, fc.Arbitrary<unknown>> = {}
  for (const [key, value] of Object.entries(properties)) record[key] = validish(value, ctx, depth + 1)
  const known = fc.record(record, { requiredKeys: required.filter((k) => k in properties) })
  const extra = schema.additionalProperties
  if (extra && typeof extra === 'object') {
    const more = fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), validish(extra, ctx, depth + 1), { maxKeys: 4 })
    return fc.tuple(known, more).map(([a, b]) => ({ ...b, ...a }))
  }
  return known
}

/** A value that breaks the schema somewhere (at the top or in one nested place), or a plausible
 *  value of the wrong shape altogether. */
export function invalid(schema: JsonSchema, ctx: SchemaContext = {}, depth = 0): fc.Arbitrary<unknown> {
  schema = resolve(schema, ctx)
  const wrongType = wrongTypeOf(schema)
  if (depth > MAX_DEPTH) return wrongType
  const types = typesOf(schema)
  const options: fc.Arbitrary<unknown>[] = [wrongType]
  if (schema.enum) options.push(fc.oneof(fc.string({ maxLength: 12 }), nastyString))
  if (types.includes('string') && !schema.enum) options.push(badString(schema))
  if (types.includes('integer') || types.includes('number')) options.push(badNumber(schema, types.includes('integer')))
  if (types.includes('array')) options.push(badArray(schema, ctx, depth))
  if (types.includes('object') || schema.properties) options.push(badObject(schema, ctx, depth))
  return fc.oneof(...options)
}

function wrongTypeOf(schema: JsonSchema): fc.Arbitrary<unknown> {
  const types = new Set(typesOf(schema))
  const all: [string, fc.Arbitrary<unknown>][] = [
    ['string', fc.oneof(fc.string({ maxLength: 8 }), nastyString)],
    ['integer', fc.oneof(fc.integer(), fc.constantFrom(Number.MAX_SAFE_INTEGER, -1))],
    ['number', fc.double({ noNaN: true, noDefaultInfinity: true })],
    ['boolean', fc.boolean()],
    ['null', fc.constant(null)],
    ['array', fc.array(anyJson, { maxLength: 3 })],
    ['object', fc.dictionary(fc.string({ maxLength: 6 }), anyJson, { maxKeys: 3 })],
  ]
  // An integer is a number in JSON: a number that is not an integer is "wrong" for integer fields.
  const wrong = all.filter(([type]) => !types.has(type) && !(type === 'integer' && types.has('number')))
  return fc.oneof(...wrong.map(([, arbitrary]) => arbitrary))
}

function badString(schema: JsonSchema): fc.Arbitrary<string> {
  const options: fc.Arbitrary<string>[] = [nastyString]
  if (schema.maxLength !== undefined) options.push(fc.constant('y'.repeat(schema.maxLength + 1)))
  if (schema.minLength) options.push(fc.constant('z'.repeat(schema.minLength - 1)))
  if (schema.format === 'uuid') options.push(fc.constantFrom('not-a-uuid', '00000000-0000-0000-0000-00000000000g', fc.sample(fc.uuid(), 1)[0]!.toUpperCase()))
  if (schema.format === 'email') options.push(fc.constantFrom('no-at-sign', '@example.com', 'a@', 'a@b@c'))
  if (schema.pattern) options.push(fc.string({ maxLength: 20 }).filter((s) => !new RegExp(schema.pattern!).test(s)))
  return fc.oneof(...options)
}

function badNumber(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const options: fc.Arbitrary<number>[] = [fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2)]
  if (integer) options.push(fc.constantFrom(0.5, -1.25, 1e-9))
  if (schema.minimum !== undefined) options.push(fc.constant(schema.minimum - 1))
  if (schema.maximum !== undefined) options.push(fc.constant(schema.maximum + 1))
  return fc.oneof(...options)
}

function badArray(schema: JsonSchema, ctx: SchemaContext, depth: number): fc.Arbitrary<unknown[]> {
  const item = schema.items ?? {}
  const options: fc.Arbitrary<unknown[]>[] = [fc.array(invalid(item, ctx, depth + 1), { minLength: 1, maxLength: 3 })]
  if (schema.maxItems !== undefined) options.push(fc.array(validish(item, ctx, depth + 1), { minLength: schema.maxItems + 1, maxLength: schema.maxItems + 2 }))
  if (schema.minItems) options.push(fc.constant([]))
  return fc.oneof(...options)
}

function badObject(schema: JsonSchema, ctx: SchemaContext, depth: number): fc.Arbitrary<unknown> {
  const properties = Object.entries(schema.properties ?? {})
  const required = schema.required ?? []
  const base = objectOf(schema, ctx, depth) as fc.Arbitrary<Record<string, unknown>>
  const options: fc.Arbitrary<unknown>[] = []
  if (required.length > 0) {
    options.push(fc.tuple(base, fc.constantFrom(...required)).map(([value, key]) => omit(value, key)))
  }
  if (properties.length > 0) {
    // One property (possibly deep) made wrong, the rest as valid as we can.
    const broken = fc.oneof(
      ...properties.map(([key, sub]) => invalid(sub, ctx, depth + 1).map((bad) => [key, bad] as const)),
    )
    options.push(fc.tuple(base, broken).map(([value, [key, bad]]) => ({ ...value, [key]: bad })))
    // Prototype pollution and unknown keys beside valid ones.
    options.push(base.map((value) => ({ ...(JSON.parse(POLLUTION) as object), ...value })))
  }
  return options.length > 0 ? fc.oneof(...options) : wrongTypeOf(schema)
}

function omit(value: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _drop, ...rest } = value
  return rest
}
