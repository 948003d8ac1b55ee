import { describe, expect, it } from 'vitest'
import { type ReadRecord, acknowledged, isUnread, markedUnread, readUpTo, unreadFlag, withServerMark } from '../../../../client/lib/unread.ts'

const id = '00000000-0000-4000-8000-000000000001'
const agentId = '00000000-0000-4000-8000-0000000000a1'
const record = (over: Partial<ReadRecord> = {}): ReadRecord => ({ conversationId: id, seenSeq: 10, at: 1, pending: 0, exact: false, version: 1, ...over })
const mark = (seenSeq: number, at = 5) => ({ agentId, conversationId: id, seenSeq, at })
const facts = (lastCustomerMessageSeq: number, lastVisibleSeq = lastCustomerMessageSeq) => ({ lastCustomerMessageSeq, lastVisibleSeq })

describe('unread', () => {
  it('is a customer message newer than the mark, whoever answered it', () => {
    expect(isUnread(facts(12), 10)).toBe(true)
    expect(isUnread(facts(12, 15), 10)).toBe(true)
    expect(isUnread(facts(10), 10)).toBe(false)
    expect(unreadFlag(facts(12), 10)).toBe(1)
    expect(unreadFlag(facts(10, 12), 10)).toBe(0)
  })

  it('with no mark, is a customer waiting for an answer', () => {
    expect(isUnread(facts(3), null)).toBe(true)
    expect(isUnread(facts(3, 5), null)).toBe(false)
    expect(isUnread(facts(0), undefined)).toBe(false)
    expect(unreadFlag(facts(0, 4), null)).toBe(0)
  })
})

describe('reading', () => {
  it('moves the mark forward, pending, with a new version', () => {
    expect(readUpTo(record(), id, 14, 9)).toEqual({ conversationId: id, seenSeq: 14, at: 9, pending: 1, exact: false, version: 2 })
    expect(readUpTo(undefined, id, 3, 9)).toMatchObject({ seenSeq: 3, pending: 1, version: 1 })
  })

  it('never moves it back, and a conversation without customer messages needs no mark', () => {
    expect(readUpTo(record(), id, 10, 9)).toBeNull()
    expect(readUpTo(record(), id, 4, 9)).toBeNull()
    expect(readUpTo(undefined, id, 0, 9)).toBeNull()
  })

  it('"Mark as unread" sets it just below the newest customer message, exactly', () => {
    expect(markedUnread(record({ seenSeq: 20 }), id, 20, 9)).toEqual({ conversationId: id, seenSeq: 19, at: 9, pending: 1, exact: true, version: 2 })
    expect(isUnread(facts(20, 22), markedUnread(undefined, id, 20, 9).seenSeq)).toBe(true)
  })
})

describe('a mark from the feed', () => {
  it('replaces a mark that is not pending, lower or higher (the server decided: an unread from another device)', () => {
    expect(withServerMark(record({ seenSeq: 10 }), mark(30))).toMatchObject({ seenSeq: 30, pending: 0, version: 1 })
    expect(withServerMark(record({ seenSeq: 10 }), mark(4))).toMatchObject({ seenSeq: 4, pending: 0 })
    expect(withServerMark(undefined, mark(7))).toEqual({ conversationId: id, seenSeq: 7, at: 5, pending: 0, exact: false, version: 0 })
  })

  it('leaves a pending read as high as the two, still pending; a pending unread as it is', () => {
    expect(withServerMark(record({ seenSeq: 10, pending: 1 }), mark(30))).toMatchObject({ seenSeq: 30, pending: 1 })
    expect(withServerMark(record({ seenSeq: 10, pending: 1 }), mark(4))).toMatchObject({ seenSeq: 10, pending: 1 })
    const unread = record({ seenSeq: 9, pending: 1, exact: true })
    expect(withServerMark(unread, mark(30))).toBe(unread)
  })
})

describe('the server’s answer', () => {
  it('settles the mark sent, at the higher of the answer and what the device has', () => {
    const sent = record({ seenSeq: 10, pending: 1, version: 3 })
    expect(acknowledged(sent, sent, mark(12, 8))).toEqual({ ...sent, seenSeq: 12, at: 8, pending: 0 })
    // A feed mark raised it meanwhile (same version): the higher stays.
    expect(acknowledged({ ...sent, seenSeq: 15 }, sent, mark(10))).toMatchObject({ seenSeq: 15, pending: 0 })
  })

  it('for an unread, is the answer exactly', () => {
    const sent = record({ seenSeq: 9, pending: 1, exact: true, version: 3 })
    expect(acknowledged(sent, sent, mark(9))).toMatchObject({ seenSeq: 9, pending: 0, exact: false })
  })

  it('leaves a mark changed since it was sent for the next request', () => {
    const sent = record({ seenSeq: 10, pending: 1, version: 3 })
    expect(acknowledged({ ...sent, seenSeq: 14, version: 4 }, sent, mark(10))).toBeNull()
    expect(acknowledged(undefined, sent, mark(10))).toBeNull()
  })
})
