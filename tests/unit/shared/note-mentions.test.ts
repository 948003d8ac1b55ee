import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import * as Y from 'yjs'
import { noteText } from '../../../shared/conversation-doc.ts'
import {
  insertMention,
  insertPlain,
  matchMentionOptions,
  mentionedAgentIds,
  mentionQueryAt,
  noteMentionRefs,
} from '../../../shared/note-mentions.ts'
import { Network, deliver, syncAll } from './replicas.ts'

const BOB = { kind: 'agent' as const, id: 'b0b00000-0000-4000-8000-000000000000' }
const CAROL = { kind: 'agent' as const, id: 'ca201000-0000-4000-8000-000000000000' }
const TEAM = { kind: 'team' as const, id: '7ea70000-0000-4000-8000-000000000000' }

function typeAndMention(doc: Y.Doc, before: string, label: string, ref: typeof BOB) {
  const text = noteText(doc)
  doc.transact(() => insertPlain(text, text.length, `${before}@${label.slice(0, 2)}`))
  const start = text.length - 3
  doc.transact(() => insertMention(text, start, text.length, label, ref))
}

describe('mentions in the shared note', () => {
  it('records the chosen mention on its text, and typing after it stays plain', () => {
    const doc = new Y.Doc()
    typeAndMention(doc, 'ask ', 'Bob', BOB)
    const text = noteText(doc)
    doc.transact(() => insertPlain(text, text.length, 'please check'))
    expect(text.toString()).toBe('ask @Bob please check')
    expect(noteMentionRefs(text)).toEqual([BOB])
    const mentioned = (text.toDelta() as { insert: string; attributes?: object }[]).filter((op) => op.attributes)
    expect(mentioned.map((op) => op.insert)).toEqual(['@Bob'])
  })

  it('forgets a mention whose text was deleted, keeps one partly edited', () => {
    const doc = new Y.Doc()
    typeAndMention(doc, '', 'Bob', BOB)
    typeAndMention(doc, 'and ', 'Carol', CAROL)
    const text = noteText(doc)
    expect(noteMentionRefs(text)).toEqual([BOB, CAROL])
    doc.transact(() => text.delete(0, 4)) // "@Bob"
    expect(noteMentionRefs(text)).toEqual([CAROL])
    doc.transact(() => text.delete(text.toString().indexOf('Carol') + 3, 2)) // "@Car"
    expect(noteMentionRefs(text)).toEqual([CAROL])
  })

  it('survives concurrent offline edits around and inside the mention, in any delivery order', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(40), fc.string({ maxLength: 4 })), { maxLength: 6 }), fc.infiniteStream(fc.nat()), (edits, order) => {
        const net = new Network()
        const alice = net.replica(1)
        const bob = net.replica(2)
        typeAndMention(alice, 'hi ', 'Bob', BOB)
        syncAll([alice, bob])
        // Bob, offline, types around (and maybe into) the mention; Alice mentions Carol meanwhile.
        for (const [at, s] of edits) {
          const text = noteText(bob)
          if (s) bob.transact(() => insertPlain(text, at % (text.length + 1), s))
        }
        typeAndMention(alice, ' cc ', 'Carol', CAROL)
        const shuffled = [...net.log]
        const picks = order.take(shuffled.length)
        let i = 0
        for (const p of picks) {
          const j = i + (p % (shuffled.length - i))
          ;[shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!]
          i++
        }
        const late = new Y.Doc()
        deliver(late, [...shuffled, ...shuffled.slice(0, 2)])
        syncAll([alice, bob])
        const refs = noteMentionRefs(noteText(late))
        expect(refs).toEqual(noteMentionRefs(noteText(alice)))
        expect(noteText(late).toString()).toBe(noteText(bob).toString())
        expect(new Set(refs.map((r) => r.id))).toEqual(new Set([BOB.id, CAROL.id]))
        // Nothing typed by Bob became part of a mention: mentioned runs are exactly the labels' letters.
        const marked = (noteText(late).toDelta() as { insert: string; attributes?: object }[])
          .filter((op) => op.attributes)
          .map((op) => op.insert)
          .join('')
        expect(marked.replace(/[^@A-Za-z]/g, '').length).toBeLessThanOrEqual('@Bob@Carol'.length)
      }),
      { numRuns: 60 },
    )
  })

  it('expands a team to its active members, each agent once', () => {
    const directory = {
      agents: [{ id: BOB.id, active: true }, { id: CAROL.id, active: true }, { id: 'gone', active: false }],
      teams: [{ id: TEAM.id, memberIds: [BOB.id, CAROL.id, 'gone'] }],
    }
    expect(mentionedAgentIds([BOB, TEAM], directory)).toEqual([BOB.id, CAROL.id])
    expect(mentionedAgentIds([{ kind: 'team', id: 'deleted' }], directory)).toEqual([])
  })

  it('finds the @query at the caret', () => {
    expect(mentionQueryAt('hi @bo', 6)).toEqual({ start: 3, end: 6, query: 'bo' })
    expect(mentionQueryAt('@', 1)).toEqual({ start: 0, end: 1, query: '' })
    expect(mentionQueryAt('mail a@b', 8)).toBeNull()
    expect(mentionQueryAt('@bob\nx', 6)).toBeNull()
    expect(matchMentionOptions([{ name: 'Bob Stone' }, { name: 'Alice' }, { name: 'Rob' }], 'st').map((o) => o.name)).toEqual(['Bob Stone'])
    expect(matchMentionOptions([{ name: 'Rob' }, { name: 'Bob' }], 'ob').map((o) => o.name)).toEqual(['Rob', 'Bob'])
  })
})
