import { describe, expect, it } from 'vitest'
import { senderVerified } from '../../../../../server/channels/email/sender-check.ts'

describe('senderVerified', () => {
  it('trusts a From whose domain is the envelope sender’s, or inside it', () => {
    expect(senderVerified('dana@customer.test', 'dana@customer.test', [])).toBe(true)
    expect(senderVerified('dana@Customer.TEST', 'bounces+123@mail.customer.test', [])).toBe(true)
    expect(senderVerified('dana@eu.customer.test', 'dana@customer.test', ['mx.acme.test; dmarc=pass header.from=customer.test'])).toBe(true)
  })

  it('doubts a From that disagrees with the envelope, a bounce’s null sender, and a failed DMARC check', () => {
    expect(senderVerified('ceo@customer.test', 'mallory@evil.test', [])).toBe(false)
    expect(senderVerified('ceo@customer.test', 'x@notcustomer.test', [])).toBe(false)
    expect(senderVerified('ceo@customer.test', null, [])).toBe(false)
    expect(senderVerified('ceo@customer.test', 'ceo@customer.test', ['mx.acme.test; spf=pass; DMARC = Fail (p=reject) header.from=customer.test'])).toBe(false)
    expect(senderVerified('ceo@customer.test', 'ceo@customer.test', ['mx.acme.test;\r\n dkim=pass;\r\n dmarc=fail'])).toBe(false)
  })
})
