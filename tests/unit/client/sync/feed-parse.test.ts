import { describe, expect, it } from 'vitest'
import { KNOWN_KINDS, parseFeedPage } from '../../../../client/sync/feed-parse.ts'

const contact = {
  seq: 1,
  kind: 'contact',
  contact: { id: '5b0c7a4e-1f2d-4c3b-8a9e-000000000009', accountId: '5b0c7a4e-1f2d-4c3b-8a9e-000000000001', name: 'Ann', email: null, attributes: {}, createdAt: 1 },
}

describe('reading feed pages', () => {
  it('knows the kinds this version stores', () => {
    expect([...KNOWN_KINDS].sort()).toEqual(['canned', 'contact', 'conversation', 'directory', 'message', 'notification', 'read'])
  })

  it('leaves out entries of kinds a newer server added, keeping the rest and the page position', () => {
    const page = parseFeedPage({ entries: [contact, { seq: 2, kind: 'survey', survey: { id: 'x' } }], lastSeq: 2, hasMore: false })
    expect(page.entries.map((e) => e.kind)).toEqual(['contact'])
    expect(page.lastSeq).toBe(2)
  })

  it('still refuses a malformed entry of a known kind (a real problem, to be reported)', () => {
    expect(() => parseFeedPage({ entries: [{ ...contact, contact: { id: 'nope' } }], lastSeq: 1, hasMore: false })).toThrow()
  })
})
