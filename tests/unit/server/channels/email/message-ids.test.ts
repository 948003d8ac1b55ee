import { describe, expect, it } from 'vitest'
import { messageIdsIn, outboundMessageId, referencesFor, replySubject } from '../../../../../server/channels/email/message-ids.ts'

describe('email threading rules', () => {
  it('reads Message-IDs from headers, bracketed or not', () => {
    expect(messageIdsIn('<a@x.test> <b@x.test>')).toEqual(['<a@x.test>', '<b@x.test>'])
    expect(messageIdsIn(['<a@x.test>', '<b@x.test>'])).toEqual(['<a@x.test>', '<b@x.test>'])
    expect(messageIdsIn('a@x.test')).toEqual(['<a@x.test>'])
    expect(messageIdsIn(undefined)).toEqual([])
  })

  it("our reply's Message-ID depends on the message id only", () => {
    expect(outboundMessageId('6f1c', 'Support@Acme.Test')).toBe('<msg-6f1c@acme.test>')
  })

  it('keeps the first and the newest references of a long thread', () => {
    const chain = Array.from({ length: 30 }, (_, i) => `<${i}@x>`)
    const refs = referencesFor(chain)
    expect(refs).toHaveLength(20)
    expect(refs[0]).toBe('<0@x>')
    expect(refs.at(-1)).toBe('<29@x>')
    expect(referencesFor(chain.slice(0, 3))).toEqual(chain.slice(0, 3))
  })

  it('answers the subject once with "Re:", or names the conversation', () => {
    expect(replySubject('Invoice', 7)).toBe('Re: Invoice')
    expect(replySubject('RE: Fwd: Re[2]: Invoice', 7)).toBe('Re: Invoice')
    expect(replySubject('AW: Rechnung', 7)).toBe('Re: Rechnung')
    expect(replySubject('  ', 7)).toBe('Your conversation #7')
    expect(replySubject(null, 12)).toBe('Your conversation #12')
  })
})
