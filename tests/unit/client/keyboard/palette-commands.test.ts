import { describe, expect, it } from 'vitest'
import { filterCommands, paletteCommands, type PaletteSource } from '../../../../client/keyboard/palette-commands.ts'

const base: PaletteSource = {
  conversation: { status: 'open', assigneeId: null, teamId: null, labels: ['vip'] },
  meId: 'me',
  agents: [
    { id: 'me', name: 'Alice Admin', active: true },
    { id: 'bob', name: 'Bob Builder', active: true },
    { id: 'old', name: 'Olga Gone', active: false },
  ],
  teams: [{ id: 't1', name: 'Billing' }],
  snooze: [{ label: 'Tomorrow', until: 1000 }],
  canned: [{ id: 'c1', shortCode: 'thanks', preview: 'Thank you for writing' }],
  query: '',
}
const labels = (src: PaletteSource) => paletteCommands(src).map((c) => c.label)

describe('paletteCommands', () => {
  it('offers every action on an open conversation, canned responses included', () => {
    expect(labels(base)).toEqual([
      'Resolve',
      'Mark as pending',
      'Snooze: Tomorrow',
      'Reply',
      'Note',
      'Assign to me',
      'Assign to Bob Builder',
      'Team: Billing',
      'Canned response /thanks',
      'Search conversations',
      'Keyboard shortcuts',
    ])
  })

  it('offers "Mark as unread" once the customer wrote and the agent read it', () => {
    const conversation = { ...base.conversation!, lastCustomerMessageSeq: 7 }
    expect(labels({ ...base, conversation: { ...conversation, unread: 0 } })).toContain('Mark as unread')
    expect(labels({ ...base, conversation: { ...conversation, unread: 1 } })).not.toContain('Mark as unread')
    expect(labels({ ...base, conversation: { ...conversation, lastCustomerMessageSeq: 0, unread: 0 } })).not.toContain('Mark as unread')
    expect(paletteCommands({ ...base, conversation: { ...conversation, unread: 0 }, query: 'as unr' }).map((c) => c.effect)).toEqual([{ type: 'unread' }, { type: 'label', label: 'as unr' }])
  })

  it('offers Reopen on a resolved one, Unassign and No team once set', () => {
    const got = labels({ ...base, conversation: { status: 'resolved', assigneeId: 'me', teamId: 't1', labels: [] } })
    expect(got).toContain('Reopen')
    expect(got).not.toContain('Resolve')
    expect(got).not.toContain('Assign to me')
    expect(got).toContain('Unassign')
    expect(got).toContain('Team: No team')
    expect(got).not.toContain('Team: Billing')
  })

  it('offers only the general commands on the list', () => {
    expect(labels({ ...base, conversation: null })).toEqual(['Search conversations', 'Keyboard shortcuts'])
  })

  it('filters by word prefixes, and offers the typed text as a new label', () => {
    expect(labels({ ...base, query: 'reso' })).toEqual(['Resolve', 'Add label "reso"'])
    expect(labels({ ...base, query: 'as bo' })).toEqual(['Assign to Bob Builder', 'Add label "as bo"'])
    expect(labels({ ...base, query: '/thanks' })[0]).toBe('Canned response /thanks')
    expect(labels({ ...base, query: 'thank you' })[0]).toBe('Canned response /thanks')
    // A label already on the conversation, or one the label rules refuse, is not offered.
    expect(labels({ ...base, query: 'vip' })).not.toContain('Add label "vip"')
    expect(labels({ ...base, query: '!!' })).toEqual([])
  })

  it('keeps all commands for an empty query', () => {
    expect(filterCommands(paletteCommands(base), '   ')).toHaveLength(11)
  })
})
