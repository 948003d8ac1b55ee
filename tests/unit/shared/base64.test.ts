import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import * as Y from 'yjs'
import { decodeBytes, encodeBytes } from '../../../shared/base64.ts'
import { addLabel, noteText, writeField } from '../../../shared/conversation-doc.ts'
import { projectConversation } from '../../../shared/project-conversation.ts'
import { ids, newDoc } from './replicas.ts'

describe('base64', () => {
  it('encodes standard base64 with padding', () => {
    expect(encodeBytes(new Uint8Array([]))).toBe('')
    expect(encodeBytes(new TextEncoder().encode('hi?'))).toBe('aGk/')
    expect(encodeBytes(new Uint8Array([0xfb, 0xff]))).toBe('+/8=')
  })

  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(decodeBytes(encodeBytes(bytes))).toEqual(bytes)
      }),
      { numRuns: 200 },
    )
  })

  it('carries a Yjs update across a JSON boundary intact', () => {
    const doc = newDoc(1)
    writeField(doc, 'assignee', { value: ids.bob }, { by: ids.alice, at: 1, writeId: 'w1' })
    addLabel(doc, 'vip', { by: ids.alice, at: 1 })
    noteText(doc).insert(0, 'note ✓')
    const wire = JSON.parse(JSON.stringify({ state: encodeBytes(Y.encodeStateAsUpdate(doc)) })) as { state: string }
    const copy = newDoc(2)
    Y.applyUpdate(copy, decodeBytes(wire.state))
    expect(projectConversation(copy)).toEqual(projectConversation(doc))
    expect(noteText(copy).toString()).toBe('note ✓')
  })
})
