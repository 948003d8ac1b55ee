import fc from 'fast-check'
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'
import { Activity } from '../../shared/presence.ts'

// y-websocket frames as a fuzzer wants them: shaped like the real thing (sync step 1 and 2, updates,
// awareness, query awareness) so they reach the decoders behind the framing, with payloads that are
// random, corrupted copies of real Yjs updates, real updates with values of the wrong type in the
// conversation's fields, varints cut short, and lengths that promise gigabytes.

const SYNC = 0
const AWARENESS = 1
const QUERY_AWARENESS = 3

const frame = (...parts: ((e: encoding.Encoder) => void)[]): Uint8Array => {
  const encoder = encoding.createEncoder()
  for (const part of parts) part(encoder)
  return encoding.toUint8Array(encoder)
}

export const syncFrame = (step: number, payload: Uint8Array): Uint8Array =>
  frame(
    (e) => encoding.writeVarUint(e, SYNC),
    (e) => encoding.writeVarUint(e, step),
    (e) => encoding.writeVarUint8Array(e, payload),
  )

export const awarenessFrame = (update: Uint8Array): Uint8Array =>
  frame(
    (e) => encoding.writeVarUint(e, AWARENESS),
    (e) => encoding.writeVarUint8Array(e, update),
  )

/** JSON as Yjs stores it: plain objects (fast-check may build null-prototype ones, which Yjs refuses). */
const plainJson = fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown)

/** A Y.Doc edit on the conversation's own names (`state`, `writes`, `note`) or on others, with values
 *  that may or may not be what the schema wants. */
const edit = fc.oneof(
  fc.record({
    kind: fc.constant('map' as const),
    name: fc.constantFrom('state', 'state', 'meta', 'x'),
    key: fc.constantFrom('status', 'assignee', 'team', 'priority', 'labels', '__proto__', 'other'),
    value: fc.oneof(
      plainJson,
      fc.record({ value: fc.constantFrom('open', 'resolved', 'snoozed', 'nonsense', 42, null), by: fc.string(), at: fc.integer(), writeId: fc.string(), over: fc.constant(null) }),
    ),
  }),
  fc.record({ kind: fc.constant('array' as const), name: fc.constantFrom('writes', 'labels', 'y'), values: fc.array(plainJson, { maxLength: 3 }) }),
  fc.record({ kind: fc.constant('text' as const), name: fc.constantFrom('note', 'z'), at: fc.nat(20), text: fc.string({ maxLength: 40 }) }),
)

/** A real, decodable Yjs update of a doc from another client. */
export const realUpdate: fc.Arbitrary<Uint8Array> = fc.tuple(fc.integer({ min: 1, max: 2 ** 31 }), fc.array(edit, { minLength: 1, maxLength: 4 })).map(([client, edits]) => {
  const doc = new Y.Doc()
  doc.clientID = client
  for (const e of edits) {
    if (e.kind === 'map') doc.getMap(e.name).set(e.key, JSON.parse(JSON.stringify(e.value)) as unknown)
    else if (e.kind === 'array') doc.getArray(e.name).push(e.values)
    else {
      const text = doc.getText(e.name)
      text.insert(Math.min(e.at, text.length), e.text)
    }
  }
  const update = Y.encodeStateAsUpdate(doc)
  doc.destroy()
  return update
})

/** A real update with its bytes damaged: a flipped bit, cut short, a slice repeated, bytes inserted. */
export const corruptedUpdate: fc.Arbitrary<Uint8Array> = fc
  .tuple(realUpdate, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('flip', 'cut', 'repeat', 'insert'))
  .map(([update, where, byte, how]) => {
    const at = where % update.length
    const bytes = [...update]
    if (how === 'flip') bytes[at] = bytes[at]! ^ (1 << (byte % 8))
    else if (how === 'cut') bytes.length = at
    else if (how === 'repeat') bytes.splice(at, 0, ...bytes.slice(at, at + 8))
    else bytes.splice(at, 0, byte, byte, byte)
    return Uint8Array.from(bytes)
  })

/** State vectors: real-looking (client, clock) pairs, or garbage. */
const stateVector = fc.oneof(
  fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 4 }).map((pairs) =>
    frame(
      (e) => encoding.writeVarUint(e, pairs.length),
      ...pairs.map(([client, clock]) => (e: encoding.Encoder) => {
        encoding.writeVarUint(e, client)
        encoding.writeVarUint(e, clock)
      }),
    ),
  ),
  fc.uint8Array({ maxLength: 24 }),
)

/** Awareness updates: well framed, with states that are presence, almost presence, or anything. */
const awarenessState = fc.oneof(
  fc.constant(null),
  fc.constant({}),
  fc.jsonValue({ maxDepth: 2 }),
  fc.record({
    user: fc.record({ id: fc.uuid(), name: fc.string({ maxLength: 300 }), color: fc.string({ maxLength: 30 }) }),
    activity: fc.oneof(fc.constantFrom(...Activity.options), fc.string()),
  }),
)
const awarenessUpdate = fc.oneof(
  fc.array(fc.tuple(fc.nat(), fc.nat(), awarenessState), { maxLength: 6 }).map((entries) =>
    frame(
      (e) => encoding.writeVarUint(e, entries.length),
      ...entries.map(([client, clock, state]) => (e: encoding.Encoder) => {
        encoding.writeVarUint(e, client)
        encoding.writeVarUint(e, clock)
        encoding.writeVarString(e, JSON.stringify(state))
      }),
    ),
  ),
  // A count that promises more entries than follow, and a state that is not JSON.
  fc.tuple(fc.integer({ min: 2, max: 2 ** 30 }), fc.string({ maxLength: 20 })).map(([count, text]) =>
    frame(
      (e) => encoding.writeVarUint(e, count),
      (e) => encoding.writeVarUint(e, 7),
      (e) => encoding.writeVarUint(e, 1),
      (e) => encoding.writeVarString(e, `{${text}`),
    ),
  ),
  fc.uint8Array({ maxLength: 48 }),
)

/** A varint that never ends (every byte has its continuation bit), after a valid prefix. */
const truncatedVarint = fc.tuple(fc.constantFrom([], [SYNC], [SYNC, 2], [AWARENESS]), fc.integer({ min: 1, max: 12 })).map(([prefix, n]) =>
  Uint8Array.from([...prefix, ...Array.from({ length: n }, () => 0xff)]),
)

/** A length field promising far more than the frame holds (up to 2^53: lib0 reads it as a number). */
const hugeLength = fc.tuple(fc.constantFrom([SYNC, 0], [SYNC, 1], [SYNC, 2], [AWARENESS]), fc.constantFrom(2 ** 21, 2 ** 31, 2 ** 32 + 1, 2 ** 53 - 1), fc.uint8Array({ maxLength: 16 })).map(
  ([prefix, length, rest]) =>
    frame(
      (e) => prefix.forEach((b) => encoding.writeVarUint(e, b)),
      (e) => encoding.writeVarUint(e, length),
      (e) => encoding.writeUint8Array(e, rest),
    ),
)

export type FuzzFrame = { label: string; data: Uint8Array | string }

const labelled = (label: string, arbitrary: fc.Arbitrary<Uint8Array | string>): fc.Arbitrary<FuzzFrame> =>
  arbitrary.map((data) => ({ label, data }))

/** Every kind of frame, weighted towards those that reach deep into the decoders. */
export const syncFrames: fc.Arbitrary<FuzzFrame> = fc.oneof(
  { weight: 2, arbitrary: labelled('sync step 1', stateVector.map((sv) => syncFrame(0, sv))) },
  { weight: 3, arbitrary: labelled('update (real)', fc.tuple(fc.constantFrom(1, 2), realUpdate).map(([step, u]) => syncFrame(step, u))) },
  { weight: 4, arbitrary: labelled('update (corrupted)', fc.tuple(fc.constantFrom(1, 2), corruptedUpdate).map(([step, u]) => syncFrame(step, u))) },
  { weight: 2, arbitrary: labelled('update (random bytes)', fc.tuple(fc.constantFrom(1, 2), fc.uint8Array({ maxLength: 64 })).map(([step, u]) => syncFrame(step, u))) },
  { weight: 3, arbitrary: labelled('awareness', awarenessUpdate.map(awarenessFrame)) },
  { weight: 1, arbitrary: labelled('query awareness + trailing', fc.uint8Array({ maxLength: 8 }).map((rest) => Uint8Array.of(QUERY_AWARENESS, ...rest))) },
  { weight: 1, arbitrary: labelled('truncated varint', truncatedVarint) },
  { weight: 1, arbitrary: labelled('huge length', hugeLength) },
  { weight: 1, arbitrary: labelled('unknown type or step', fc.tuple(fc.integer({ min: 4, max: 300 }), fc.uint8Array({ maxLength: 8 })).map(([t, rest]) => frame((e) => encoding.writeVarUint(e, t), (e) => encoding.writeUint8Array(e, rest)))) },
  { weight: 1, arbitrary: labelled('text', fc.oneof(fc.string({ maxLength: 40 }), fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)))) },
)

/** Frames for the widget's live socket: JSON that looks like its protocol, and anything else. */
export const widgetFrames = (tokens: readonly string[]): fc.Arbitrary<FuzzFrame> =>
  fc.oneof(
    labelled('auth (known or damaged token)', fc.tuple(fc.constantFrom(...tokens), fc.nat()).map(([t, at]) => JSON.stringify({ type: 'auth', token: t.slice(0, at % (t.length + 1)) }))),
    labelled('auth (wrong shape)', fc.record({ type: fc.constantFrom('auth', 'AUTH', 'message', 'typing'), token: fc.jsonValue({ maxDepth: 1 }) }).map((v) => JSON.stringify(v))),
    labelled('widget-looking JSON', fc.record({ type: fc.constantFrom('message', 'typing', 'ready', 'ping'), body: fc.string({ maxLength: 40 }) }).map((v) => JSON.stringify(v))),
    labelled('any JSON', fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v))),
    labelled('text', fc.string({ maxLength: 60 })),
    labelled('long text', fc.constantFrom(1023, 1025, 70_000).map((n) => JSON.stringify({ type: 'auth', token: 't'.repeat(n) }))),
    labelled('binary', fc.uint8Array({ maxLength: 64 })),
  )

/** Hex (or the text itself) for a failure report, cut short. */
export function showFrame(frame: FuzzFrame): string {
  const text = typeof frame.data === 'string' ? JSON.stringify(frame.data) : Buffer.from(frame.data).toString('hex')
  return `${frame.label}: ${text.length > 200 ? `${text.slice(0, 200)}… (${text.length})` : text}`
}
