import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import * as Y from 'yjs'
import { LabelName, fieldSchemas, labelsMap, readField, stateMap, type FieldName } from '../../../shared/conversation-doc.ts'
import { ConversationState, projectConversation } from '../../../shared/project-conversation.ts'
import { ids, newDoc } from './replicas.ts'

// A buggy or hostile client can put anything into its replica, and Yjs will faithfully merge it into
// everyone's. Readers must never throw on it nor pass it on: the projection always fits its schema.

const fields: FieldName[] = ['status', 'assignee', 'team', 'priority']

const valid: Record<FieldName, Record<string, unknown>> = {
  status: { value: 'snoozed', snoozedUntil: 5, seenSeq: 1, by: 'x', at: 1, writeId: 'w', over: null },
  assignee: { value: ids.bob, by: 'x', at: 1, writeId: 'w', over: null },
  team: { value: ids.vipTeam, by: 'x', at: 1, writeId: 'w', over: null },
  priority: { value: 'high', by: 'x', at: 1, writeId: 'w', over: null },
}

/** Anything: arbitrary JSON, or a valid field value with one key replaced by arbitrary JSON. */
const hostileValue = (field: FieldName) =>
  fc.oneof(
    fc.jsonValue(),
    fc
      .tuple(fc.constantFrom(...Object.keys(valid[field])), fc.jsonValue())
      .map(([key, junk]) => ({ ...valid[field], [key]: junk })),
  )

const hostileState = fc.record({
  status: fc.option(hostileValue('status')),
  assignee: fc.option(hostileValue('assignee')),
  team: fc.option(hostileValue('team')),
  priority: fc.option(hostileValue('priority')),
  labelKeys: fc.array(fc.oneof(fc.string({ maxLength: 45 }), fc.constantFrom('Bug', ' vip', 'ok', 'a-b', '-x'))),
})

describe('hostile writes (properties)', () => {
  it('never make readField or projectConversation throw, and never reach the projection', () => {
    fc.assert(
      fc.property(hostileState, (h) => {
        const hostile = newDoc(666)
        for (const field of fields) if (h[field] !== null) stateMap(hostile).set(field, h[field])
        for (const key of h.labelKeys) labelsMap(hostile).set(key, { by: 'x', at: 1 })
        // Through the wire, as another replica would receive it.
        const doc = newDoc(1)
        Y.applyUpdate(doc, Y.encodeStateAsUpdate(hostile))

        for (const field of fields) {
          const read = readField(doc, field)
          if (read !== null) expect(fieldSchemas[field].safeParse(read).success).toBe(true)
        }
        const state = projectConversation(doc)
        expect(ConversationState.safeParse(state).success).toBe(true)
        for (const label of state.labels) expect(LabelName.parse(label)).toBe(label)
        expect(new Set(state.labels).size).toBe(state.labels.length)
      }),
      { numRuns: 200 },
    )
  })
})
