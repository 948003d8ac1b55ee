import { describe, expect, it } from 'vitest'
import { trimQuotedText } from '../../../../../server/channels/email/quoted-text.ts'

describe('trimQuotedText', () => {
  it('drops the attribution and the quoted lines under a top-posted answer', () => {
    expect(trimQuotedText('Thanks!\r\n\r\nOn Mon, 1 Jan 2024 at 10:00, Acme <support@acme.test> wrote:\r\n> Hello\r\n>> Older\r\n')).toBe('Thanks!')
  })

  it('recognises an attribution Gmail wrapped over two lines, and other languages', () => {
    expect(trimQuotedText('Yes.\n\nOn Mon, 1 Jan 2024 at 10:00 Alice Martin <\nsupport@acme.test> wrote:\n\n> Ok?')).toBe('Yes.')
    expect(trimQuotedText('Ja.\n\nAm 01.01.2024 um 10:00 schrieb Alice <support@acme.test>:\n> Ok?')).toBe('Ja.')
    expect(trimQuotedText('Oui.\n\nLe lun. 1 janv. 2024 à 10:00, Alice <support@acme.test> a écrit :\n> Ok ?')).toBe('Oui.')
  })

  it('keeps answers written between quoted lines', () => {
    expect(trimQuotedText('On Mon, Alice wrote:\n> Which plan?\nPro.\n> How many seats?\nTwo.')).toBe('Pro.\nTwo.')
  })

  it('cuts an Outlook history, which is not marked with ">"', () => {
    const outlook = 'Sure.\n\n________________________________\nFrom: Acme Support <support@acme.test>\nSent: Monday\nTo: Dana\nSubject: Hi\n\nOld text'
    expect(trimQuotedText(outlook)).toBe('Sure.')
    expect(trimQuotedText('Fine.\n\n-----Original Message-----\nFrom: Acme\nOld')).toBe('Fine.')
    expect(trimQuotedText('Fine.\n\nFrom: Acme Support <support@acme.test>\nSent: Monday\nSubject: Hi\n\nOld')).toBe('Fine.')
  })

  it('keeps a sentence that merely ends in "wrote:" and a "From:" that is no header block', () => {
    expect(trimQuotedText('On the form, my colleague wrote:\nour VAT number.')).toBe('On the form, my colleague wrote:\nour VAT number.')
    expect(trimQuotedText('From: the billing page\nit fails.')).toBe('From: the billing page\nit fails.')
  })

  it('never empties a mail that is only a quote', () => {
    expect(trimQuotedText('> just a quote\n> nothing else')).toBe('> just a quote\n> nothing else')
  })
})
