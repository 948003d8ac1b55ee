import { describe, it, expect } from 'vitest'
import * as Y from 'yjs'
import {
  LabelName,
  SYSTEM_AUTHOR,
  addLabel,
  conversationIdOfDoc,
  docName,
  labelsMap,
  noteText,
  readField,
  readLabels,
  removeLabel,
  stateMap,
  writeField,
  type FieldName,
} from '../../../shared/conversation-doc.ts'
import { ids, newDoc, REMOTE } from './replicas.ts'

const ctx = (writeId: string, at = 1_000, by: string = ids.alice) => ({ by, at, writeId })

function updatesOf(doc: Y.Doc): unknown[] {
  const origins: unknown[] = []
  doc.on('update', (_update: Uint8Array, origin: unknown) => origins.push(origin))
  return origins
}

describe('doc names', () => {
  it('names a conversation doc conv:<id> and reads the id back', () => {
    expect(docName(ids.alice)).toBe(`conv:${ids.alice}`)
    expect(conversationIdOfDoc(docName(ids.alice))).toBe(ids.alice)
  })

  it('does not take other rooms for conversations', () => {
    expect(conversationIdOfDoc('feed')).toBeNull()
    expect(conversationIdOfDoc(`contact:${ids.alice}`)).toBeNull()
  })
})

describe('writeField / readField', () => {
  it('reads null from a doc that never had the field', () => {
    const doc = newDoc(1)
    for (const field of ['status', 'assignee', 'team', 'priority'] as const) expect(readField(doc, field)).toBeNull()
  })

  it('stores the value with its author, time and writeId, and reads it back', () => {
    const doc = newDoc(1)
    const written = writeField(doc, 'assignee', { value: ids.bob }, ctx('w1', 42))
    expect(written).toEqual({ value: ids.bob, by: ids.alice, at: 42, writeId: 'w1', over: null })
    expect(readField(doc, 'assignee')).toEqual(written)
  })

  it('records over = the writeId of the value it replaced', () => {
    const doc = newDoc(1)
    writeField(doc, 'status', { value: 'pending', snoozedUntil: null, seenSeq: 3 }, ctx('w1'))
    const second = writeField(doc, 'status', { value: 'resolved', snoozedUntil: null, seenSeq: 4 }, ctx('w2', 2_000, ids.bob))
    const third = writeField(doc, 'status', { value: 'open', snoozedUntil: null, seenSeq: 4 }, ctx('w3'))
    expect(second.over).toBe('w1')
    expect(third.over).toBe('w2')
    expect(readField(doc, 'status')).toMatchObject({ value: 'open', writeId: 'w3', over: 'w2' })
  })

  it('keeps over per field: a write to one field is not "over" another field', () => {
    const doc = newDoc(1)
    writeField(doc, 'assignee', { value: ids.bob }, ctx('a1'))
    const team = writeField(doc, 'team', { value: ids.vipTeam }, ctx('t1'))
    const priority = writeField(doc, 'priority', { value: 'high' }, ctx('p1'))
    expect(team.over).toBeNull()
    expect(priority.over).toBeNull()
    expect(readField(doc, 'assignee')?.writeId).toBe('a1')
  })

  it('sees over across replicas: an informed write on another replica names the write it saw', () => {
    const a = newDoc(1)
    const b = newDoc(2)
    writeField(a, 'priority', { value: 'low' }, ctx('p-a'))
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
    expect(writeField(b, 'priority', { value: 'urgent' }, ctx('p-b', 2_000, ids.bob)).over).toBe('p-a')
  })

  it('accepts null for assignee and team (unassigned, no team)', () => {
    const doc = newDoc(1)
    writeField(doc, 'assignee', { value: ids.bob }, ctx('a1'))
    writeField(doc, 'assignee', { value: null }, ctx('a2'))
    writeField(doc, 'team', { value: null }, ctx('t1'))
    expect(readField(doc, 'assignee')).toMatchObject({ value: null, over: 'a1' })
    expect(readField(doc, 'team')?.value).toBeNull()
  })

  it('writes in one transaction with the given origin', () => {
    const doc = newDoc(1)
    const origins = updatesOf(doc)
    const origin = { kind: 'agent' }
    writeField(doc, 'priority', { value: 'medium' }, ctx('p1'), origin)
    expect(origins).toEqual([origin])
  })

  it.each<[string, FieldName, Record<string, unknown>]>([
    ['an unknown status', 'status', { value: 'closed', snoozedUntil: null, seenSeq: 0 }],
    ['a negative seenSeq', 'status', { value: 'open', snoozedUntil: null, seenSeq: -1 }],
    ['a fractional snooze time', 'status', { value: 'snoozed', snoozedUntil: 1.5, seenSeq: 0 }],
    ['an assignee that is not an id', 'assignee', { value: 'bob' }],
    ['a team that is not an id', 'team', { value: '' }],
    ['an unknown priority', 'priority', { value: 'critical' }],
  ])('rejects %s and leaves the doc untouched', (_name, field, input) => {
    const doc = newDoc(1)
    const origins = updatesOf(doc)
    // Deliberately untyped input: what a buggy caller could pass at run time.
    expect(() => writeField(doc, field, input as never, ctx('bad'))).toThrow()
    expect(origins).toHaveLength(0)
    expect(readField(doc, field)).toBeNull()
  })

  it('rejects an empty author or writeId', () => {
    const doc = newDoc(1)
    expect(() => writeField(doc, 'priority', { value: 'low' }, ctx(''))).toThrow()
    expect(() => writeField(doc, 'priority', { value: 'low' }, ctx('w1', 1, ''))).toThrow()
    expect(readField(doc, 'priority')).toBeNull()
  })

  it('accepts the system as an author', () => {
    const doc = newDoc(1)
    writeField(doc, 'status', { value: 'open', snoozedUntil: null, seenSeq: 9 }, ctx('sys', 5, SYSTEM_AUTHOR))
    expect(readField(doc, 'status')?.by).toBe(SYSTEM_AUTHOR)
  })
})

describe('readField with values a hostile client wrote into the doc', () => {
  const valid = {
    status: { value: 'resolved', snoozedUntil: null, seenSeq: 1, by: 'x', at: 1, writeId: 'w', over: null },
    assignee: { value: ids.bob, by: 'x', at: 1, writeId: 'w', over: null },
    team: { value: ids.vipTeam, by: 'x', at: 1, writeId: 'w', over: null },
    priority: { value: 'high', by: 'x', at: 1, writeId: 'w', over: null },
  } satisfies Record<FieldName, unknown>

  const garbage: [string, FieldName, unknown][] = [
    ['a bare string', 'status', 'resolved'],
    ['a number', 'priority', 3],
    ['null', 'assignee', null],
    ['an array', 'team', [ids.vipTeam]],
    ['an unknown status', 'status', { ...valid.status, value: 'closed' }],
    ['a status without seenSeq', 'status', { ...valid.status, seenSeq: undefined }],
    ['a fractional seenSeq', 'status', { ...valid.status, seenSeq: 0.5 }],
    ['a negative time', 'priority', { ...valid.priority, at: -1 }],
    ['a time as a string', 'priority', { ...valid.priority, at: '1' }],
    ['an empty author', 'assignee', { ...valid.assignee, by: '' }],
    ['no writeId', 'assignee', { ...valid.assignee, writeId: undefined }],
    ['over as a number', 'team', { ...valid.team, over: 7 }],
    ['an assignee that is not an id', 'assignee', { ...valid.assignee, value: 'bob' }],
    ['an unknown priority', 'priority', { ...valid.priority, value: 'critical' }],
  ]

  it.each(garbage)('ignores %s', (_name, field, value) => {
    const doc = newDoc(1)
    stateMap(doc).set(field, value)
    expect(readField(doc, field)).toBeNull()
  })

  it('ignores a nested Yjs type in place of a field', () => {
    const doc = newDoc(1)
    const nested = new Y.Map<unknown>()
    stateMap(doc).set('status', nested)
    nested.set('value', 'resolved')
    expect(readField(doc, 'status')).toBeNull()
  })

  it('reads the same well-formed values (the table above is garbage only where it says so)', () => {
    const doc = newDoc(1)
    for (const [field, value] of Object.entries(valid)) stateMap(doc).set(field, value)
    for (const field of Object.keys(valid) as FieldName[]) expect(readField(doc, field)).toEqual(valid[field])
  })

  it('ignores garbage that arrived as a remote update, and a later write replaces it with over = null', () => {
    const hostile = newDoc(66)
    stateMap(hostile).set('status', { value: 'resolved', writeId: 'evil' })
    const doc = newDoc(1)
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(hostile), REMOTE)
    expect(readField(doc, 'status')).toBeNull()
    const written = writeField(doc, 'status', { value: 'pending', snoozedUntil: null, seenSeq: 0 }, ctx('w1'))
    expect(written.over).toBeNull()
  })
})

describe('labels', () => {
  const by = { by: ids.alice, at: 7 }

  it('normalises names (trim, lowercase) and returns the stored name', () => {
    const doc = newDoc(1)
    expect(addLabel(doc, '  Billing ', by)).toBe('billing')
    expect(addLabel(doc, 'VIP', by)).toBe('vip')
    expect(readLabels(doc)).toEqual(['billing', 'vip'])
    // Each add is its own entry (name plus a tag), recording who added it and when.
    const billing = [...labelsMap(doc).entries()].filter(([key]) => key.startsWith('billing\u0000'))
    expect(billing.map(([, entry]) => entry)).toEqual([{ by: ids.alice, at: 7 }])
  })

  it('keeps one entry per name, whatever the spelling', () => {
    const doc = newDoc(1)
    addLabel(doc, 'Bug', by)
    addLabel(doc, 'bug', by)
    addLabel(doc, ' BUG', by)
    expect(readLabels(doc)).toEqual(['bug'])
  })

  it('reads labels sorted', () => {
    const doc = newDoc(1)
    for (const name of ['zeta', 'alpha', 'mid', '10', '2']) addLabel(doc, name, by)
    expect(readLabels(doc)).toEqual(['10', '2', 'alpha', 'mid', 'zeta'])
  })

  it.each(['needs-review', 'tier_1', 'two words', 'Ünïcode', '日本', '7', 'a'.repeat(40), `  ${'b'.repeat(40)}  `])(
    'accepts %j',
    (name) => {
      const doc = newDoc(1)
      const stored = addLabel(doc, name, by)
      expect(stored).toBe(name.trim().toLowerCase())
      expect(readLabels(doc)).toEqual([stored])
    },
  )

  it.each(['', '   ', '-bug', '_bug', ' bug!', 'a/b', 'tab\there', 'a'.repeat(41), '🐛'])('rejects %j without writing', (name) => {
    const doc = newDoc(1)
    const origins = updatesOf(doc)
    expect(() => addLabel(doc, name, by)).toThrow()
    expect(LabelName.safeParse(name).success).toBe(false)
    expect(origins).toHaveLength(0)
    expect(readLabels(doc)).toEqual([])
  })

  it('removes by any spelling of the name', () => {
    const doc = newDoc(1)
    addLabel(doc, 'billing', by)
    addLabel(doc, 'vip', by)
    removeLabel(doc, ' BILLING ')
    expect(readLabels(doc)).toEqual(['vip'])
  })

  it('ignores removal of an invalid or absent name', () => {
    const doc = newDoc(1)
    addLabel(doc, 'vip', by)
    const origins = updatesOf(doc)
    removeLabel(doc, '!!')
    expect(origins).toHaveLength(0)
    removeLabel(doc, 'absent')
    expect(readLabels(doc)).toEqual(['vip'])
  })

  it('passes the origin to the transaction', () => {
    const doc = newDoc(1)
    const origins = updatesOf(doc)
    addLabel(doc, 'vip', by, 'agent')
    removeLabel(doc, 'vip', 'server')
    expect(origins).toEqual(['agent', 'server'])
  })

  it('ignores label keys a hostile client wrote that are not valid names', () => {
    const doc = newDoc(1)
    addLabel(doc, 'vip', by)
    for (const key of ['', '!!', '-x', 'a'.repeat(41)]) labelsMap(doc).set(key, { by: 'x', at: 1 })
    expect(readLabels(doc)).toEqual(['vip'])
  })

  it('ignores label keys that are not normalised, which no addLabel can write nor removeLabel remove', () => {
    const doc = newDoc(1)
    addLabel(doc, 'bug', by)
    for (const key of ['Bug', ' vip', 'vip ']) labelsMap(doc).set(key, { by: 'x', at: 1 })
    expect(readLabels(doc)).toEqual(['bug'])
  })
})

describe('the note', () => {
  it('is one shared text per doc', () => {
    const doc = newDoc(1)
    noteText(doc).insert(0, 'Customer is on the Pro plan')
    expect(noteText(doc)).toBe(noteText(doc))
    expect(noteText(doc).toString()).toBe('Customer is on the Pro plan')
  })
})
