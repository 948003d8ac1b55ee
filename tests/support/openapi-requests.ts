import fc from 'fast-check'
import { type JsonSchema, type SchemaContext, anyJson, invalid, validish } from './json-schema-arbitrary.ts'

// Requests for one route of the OpenAPI document, as fast-check arbitraries: path parameters that name
// real entities or nothing, query strings and bodies that respect the schema or break it, and the
// transport's own edges (non-JSON bodies, wrong content types, bodies near and over the size limits).

export type Access = 'public' | 'agent' | 'admin' | 'inbox-token' | 'visitor'
const ACCESS: readonly Access[] = ['public', 'agent', 'admin', 'inbox-token', 'visitor']

export interface Parameter {
  name: string
  in: 'path' | 'query' | 'header' | 'cookie'
  required?: boolean
  schema?: JsonSchema
}

export interface Operation {
  summary?: string
  parameters?: Parameter[]
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> }
  security?: unknown[]
  'x-access'?: string
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>
  components?: { schemas?: Record<string, JsonSchema> }
}

export interface Route {
  method: string
  path: string
  operation: Operation
  access: Access
  /** True when the document declares the access (`x-access`); false when it was inferred. */
  declared: boolean
}

export interface FuzzRequest {
  method: string
  /** Path with parameters filled in, and the query string. */
  url: string
  headers: Record<string, string>
  body?: string | Buffer
  /** What kind of body this is, for the failure report. */
  shape: string
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete'])

export function routesOf(doc: OpenApiDocument): Route[] {
  return Object.entries(doc.paths).flatMap(([path, operations]) =>
    Object.entries(operations)
      .filter(([method]) => METHODS.has(method))
      .map(([method, operation]) => {
        const declared = ACCESS.find((a) => a === operation['x-access'])
        return { method, path, operation, access: declared ?? inferredAccess(path, operation), declared: declared !== undefined }
      }),
  )
}

/** For routes the document does not mark yet: where the API's own conventions put them. */
function inferredAccess(path: string, operation: Operation): Access {
  if (path.startsWith('/api/channels/api/')) return 'inbox-token'
  if (path.startsWith('/api/widget/')) return path === '/api/widget/session' ? 'public' : 'visitor'
  if (Array.isArray(operation.security) && operation.security.length === 0) return 'public'
  return 'agent'
}

/** The JSON body's schema, when the route takes one. */
export function jsonBodySchema(operation: Operation): JsonSchema | undefined {
  return operation.requestBody?.content?.['application/json']?.schema
}

/** The limits the server enforces before validation (server/http/app.ts, routes/widget.ts). */
export const BODY_LIMITS = [64 * 1024, 1024 * 1024]

const nastySegment = fc.constantFrom('x', '..', '%2e%2e', '%ZZ', '%00', ' ', 'null', '00000000-0000-0000-0000-000000000000', 'a'.repeat(300))

/** Ids of real entities by the path segment that names their kind (`conversations`, `agents`…). */
export type KnownIdsByKind = Record<string, readonly string[]>

/** The kind of entity a path parameter names: the segment before it (`/api/teams/{id}` -> teams). */
function kindOf(path: string, name: string): string {
  const segments = path.split('/')
  const at = segments.indexOf(`{${name}}`)
  return at > 0 ? segments[at - 1]! : ''
}

function pathParam(ctx: SchemaContext, ofKind: readonly string[]): fc.Arbitrary<string> {
  const known = ofKind.length > 0 ? ofKind : (ctx.knownIds ?? [])
  return fc.oneof(
    ...(known.length > 0 ? [{ weight: 5, arbitrary: fc.constantFrom(...known).map(safeEncode) }] : []),
    { weight: 2, arbitrary: fc.uuid().map(safeEncode) },
    { weight: 1, arbitrary: fc.uuid().map((u) => u.toUpperCase()) },
    // Deliberately raw: some are not valid percent-encoding, as a hostile client would send them.
    { weight: 1, arbitrary: nastySegment },
  )
}

/** Percent-encoding that survives lone surrogates (sent as the invalid UTF-8 a hostile client would). */
function safeEncode(value: string): string {
  try {
    return encodeURIComponent(value)
  } catch {
    return encodeURIComponent(value.replace(/[\ud800-\udfff]/g, '')) + '%ED%A0%80'
  }
}

const asText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value) ?? '')

function paramValue(parameter: Parameter, ctx: SchemaContext): fc.Arbitrary<string> {
  const schema = parameter.schema ?? {}
  return fc.oneof(
    { weight: 4, arbitrary: validish(schema, ctx).map(asText) },
    { weight: 3, arbitrary: invalid(schema, ctx).map(asText) },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  )
}

/** A query string: mostly every parameter valid-ish (so the request reaches the route), otherwise one
 *  broken, an unknown one added, or one given twice. A null is an absent parameter in a URL. */
function queryOf(parameters: Parameter[], ctx: SchemaContext): fc.Arbitrary<string> {
  const query = parameters.filter((p) => p.in === 'query')
  const valid = fc.tuple(
    ...query.map((p) =>
      fc.option(validish(p.schema ?? {}, ctx).map((v) => (v === null ? null : ([p.name, asText(v)] as const))), { freq: 2 }),
    ),
  )
  const names = query.length > 0 ? fc.constantFrom(...query.map((p) => p.name)) : fc.constant('x')
  const damage = fc.oneof(
    { weight: 3, arbitrary: fc.constant(null) },
    { weight: 2, arbitrary: query.length > 0 ? fc.constantFrom(...query).chain((p) => paramValue(p, ctx).map((v) => ['set', p.name, v] as const)) : fc.constant(null) },
    { weight: 1, arbitrary: fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 8 })).map(([k, v]) => ['add', k, v] as const) },
    { weight: 1, arbitrary: names.map((k) => ['add', k, '1'] as const) },
  )
  return fc.tuple(valid, damage).map(([entries, change]) => {
    const params = new URLSearchParams()
    for (const entry of entries) if (entry) params.append(entry[0], entry[1])
    if (change?.[0] === 'set') params.set(change[1], change[2])
    if (change?.[0] === 'add') params.append(change[1], change[2])
    const text = params.toString()
    return text ? `?${text}` : ''
  })
}

function headersOf(parameters: Parameter[], ctx: SchemaContext): fc.Arbitrary<Record<string, string>> {
  const header = parameters.filter((p) => p.in === 'header')
  return fc
    .tuple(
      ...header.map((p) =>
        fc.option(
          fc.oneof(paramValue(p, ctx).map(safeEncode), fc.constantFrom('%E0%A4%A', '%', 'a'.repeat(2000))).map(
            (v) => [p.name, v] as const,
          ),
          { freq: 5 },
        ),
      ),
    )
    .map((list) => Object.fromEntries(list.filter((e) => e !== null)))
}

interface Body {
  body?: string | Buffer
  contentType?: string
  shape: string
}

const nonJson: fc.Arbitrary<Body> = fc
  .oneof(fc.constantFrom('{"a":', '{', '[1,2', 'undefined', "{'single':1}", '\u0000', '{"a":1}garbage', 'NaN'), fc.string({ maxLength: 40 }))
  .map((body) => ({ body, contentType: 'application/json', shape: 'not JSON' }))

/** Valid JSON (mostly) that parsers and validators meet rarely: deep nesting, numbers past a double,
 *  duplicate keys, a byte-order mark, escaped lone surrogates. */
const hostileJson: fc.Arbitrary<Body> = fc
  .constantFrom(
    '['.repeat(100_000) + ']'.repeat(100_000),
    '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000),
    '1' + '0'.repeat(400),
    '{"body":1e400,"basedOnSeq":-1e400}',
    '{"id":"a","id":"b","kind":"note","kind":"reply"}',
    '\ufeff{}',
    '{"body":"\\ud800\\udfff\\ud800","name":"\\u0000"}',
  )
  .map((body) => ({ body, contentType: 'application/json', shape: 'hostile JSON' }))

function wrongContentType(schema: JsonSchema, ctx: SchemaContext): fc.Arbitrary<Body> {
  return fc
    .tuple(validish(schema, ctx), fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', 'application/xml', ''))
    .map(([value, contentType]) => ({ body: JSON.stringify(value), contentType, shape: `JSON as ${contentType || 'no content type'}` }))
}

/** A valid-ish body padded to just under or just over a size limit (an unknown key zod strips). */
function huge(schema: JsonSchema, ctx: SchemaContext): fc.Arbitrary<Body> {
  const sizes = BODY_LIMITS.flatMap((limit) => [limit - 256, limit + 16])
  return fc.tuple(validish(schema, ctx), fc.constantFrom(...sizes)).map(([value, size]) => {
    const base = value && typeof value === 'object' && !Array.isArray(value) ? value : {}
    const text = JSON.stringify({ ...base, pad: '' })
    return { body: text.replace('"pad":""', `"pad":"${'p'.repeat(Math.max(0, size - text.length))}"`), contentType: 'application/json', shape: `padded to ${size} bytes` }
  })
}

function bodyOf(route: Route, ctx: SchemaContext): fc.Arbitrary<Body> {
  const schema = jsonBodySchema(route.operation)
  const none: fc.Arbitrary<Body> = fc.constant({ shape: 'no body' })
  const randomJson = anyJson.map((v) => ({ body: JSON.stringify(v), contentType: 'application/json', shape: 'random JSON' }))
  if (schema) {
    return fc.oneof(
      { weight: 6, arbitrary: validish(schema, ctx).map((v) => ({ body: JSON.stringify(v), contentType: 'application/json', shape: 'valid-ish' })) },
      { weight: 5, arbitrary: invalid(schema, ctx).map((v) => ({ body: JSON.stringify(v), contentType: 'application/json', shape: 'invalid' })) },
      { weight: 1, arbitrary: randomJson },
      { weight: 1, arbitrary: nonJson },
      { weight: 1, arbitrary: hostileJson },
      { weight: 1, arbitrary: wrongContentType(schema, ctx) },
      { weight: 1, arbitrary: none },
      { weight: 1, arbitrary: huge(schema, ctx) },
    )
  }
  if (route.method === 'get' || route.method === 'delete') return fc.oneof({ weight: 8, arbitrary: none }, { weight: 1, arbitrary: randomJson })
  // A route that reads raw bytes (an upload) or nothing at all.
  const bytes = fc
    .tuple(fc.uint8Array({ maxLength: 256 }), fc.constantFrom('image/png', 'application/octet-stream', 'text/plain', 'text/html', '', 'x/' + 'y'.repeat(300)))
    .map(([data, contentType]) => ({ body: Buffer.from(data), contentType, shape: `${data.length} bytes as ${contentType || 'no content type'}` }))
  return fc.oneof(none, randomJson, nonJson, bytes)
}

export function requestArbitrary(route: Route, ctx: SchemaContext & { idsByKind?: KnownIdsByKind }): fc.Arbitrary<FuzzRequest> {
  const parameters = route.operation.parameters ?? []
  const pathNames = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!)
  return fc
    .record({
      segments: fc.tuple(...pathNames.map((name) => pathParam(ctx, ctx.idsByKind?.[kindOf(route.path, name)] ?? []))),
      query: queryOf(parameters, ctx),
      headers: headersOf(parameters, ctx),
      body: bodyOf(route, ctx),
    })
    .map(({ segments, query, headers, body }) => {
      let path = route.path
      pathNames.forEach((name, i) => (path = path.replace(`{${name}}`, segments[i]!)))
      const all = { ...headers }
      if (body.contentType !== undefined) all['content-type'] = body.contentType
      const request: FuzzRequest = { method: route.method.toUpperCase(), url: path + query, headers: all, shape: body.shape }
      if (body.body !== undefined) request.body = body.body
      // Counterexamples are printed whole: keep a megabyte body from flooding the report.
      return Object.assign(request, { [fc.toStringMethod]: () => describeRequest(request) })
    })
}

/** The request in one readable line, its body cut short. */
export function describeRequest(request: FuzzRequest): string {
  const body = request.body === undefined ? '' : String(request.body)
  const shown = body.length > 300 ? `${body.slice(0, 300)}… (${body.length} chars)` : body
  return `${request.method} ${request.url} ${JSON.stringify(request.headers)} [${request.shape}] ${shown}`
}
