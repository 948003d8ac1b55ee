import { describe, expect, it } from 'vitest'
import {
  CannedResponsePatch,
  NewCannedResponse,
  fillCanned,
  searchCanned,
  slashQueryAt,
  unknownVariables,
} from '../../../shared/canned.ts'

const dana = {
  contact: { name: 'Dana Scully', email: 'dana@example.net' },
  agent: { name: 'Alice Martin', email: 'alice@example.com' },
  conversation: { number: 42 },
}

describe('fillCanned', () => {
  it('fills the known variables', () => {
    expect(
      fillCanned(
        'Hi {{contact.first_name}} ({{contact.email}}), #{{conversation.number}} — {{agent.name}} / {{agent.first_name}} / {{contact.name}} / {{agent.email}}',
        dana,
      ),
    ).toBe('Hi Dana (dana@example.net), #42 — Alice Martin / Alice / Dana Scully / alice@example.com')
  })

  it('tolerates spaces and any case in the braces', () => {
    expect(fillCanned('{{ contact.name }}, {{Agent.Name}}', dana)).toBe('Dana Scully, Alice Martin')
  })

  it('uses the fallback when the value is missing or blank, and ignores it otherwise', () => {
    expect(fillCanned('Thanks, {{contact.name | there}}!', dana)).toBe('Thanks, Dana Scully!')
    expect(fillCanned('Thanks, {{contact.name | there}}!', {})).toBe('Thanks, there!')
    expect(fillCanned('Thanks, {{contact.name|there}}!', { contact: { name: '   ' } })).toBe('Thanks, there!')
    expect(fillCanned('Thanks, {{ contact.first_name | my friend }}!', { contact: { name: null } })).toBe('Thanks, my friend!')
    expect(fillCanned('#{{conversation.number | ?}}', { conversation: { number: null } })).toBe('#?')
  })

  it('leaves a known variable without a value and without a fallback empty', () => {
    expect(fillCanned('Hi {{contact.name}}!', {})).toBe('Hi !')
    expect(fillCanned('Hi {{contact.name | }}!', {})).toBe('Hi !')
  })

  it('treats an unknown variable like a missing value: its fallback, or nothing', () => {
    expect(fillCanned('Call {{contact.phone | us}} or {{order.id}}.', dana)).toBe('Call us or .')
    // Names that are properties of every object are unknown too, not Object's own.
    expect(fillCanned('{{constructor}}{{__proto__ | x}}{{toString}}', dana)).toBe('x')
  })

  it('inserts values as they are: no second filling, no replacement patterns', () => {
    const tricky = { contact: { name: '{{agent.name}} $& $1' }, agent: { name: 'Alice' } }
    expect(fillCanned('Hi {{contact.name}}', tricky)).toBe('Hi {{agent.name}} $& $1')
  })

  it('leaves text that is not a variable alone', () => {
    for (const text of ['a {{ }} b', '{{not a var}}', '{single}', 'x {{contact.name', 'json: {"a": {"b": 1}}', '{{a|b{c}}']) {
      expect(fillCanned(text, dana)).toBe(text)
    }
    expect(fillCanned('{{{contact.name}}}', dana)).toBe('{Dana Scully}')
  })

  it('names unknown variables once each', () => {
    expect(unknownVariables('{{contact.name}} {{Contact.Phone | x}} {{order.id}} {{contact.phone}}')).toEqual(['contact.phone', 'order.id'])
    expect(unknownVariables('plain text')).toEqual([])
  })
})

describe('slashQueryAt', () => {
  it('opens at a slash at the start of the text, of a line, or after a space', () => {
    expect(slashQueryAt('/tha', 4)).toEqual({ start: 0, end: 4, query: 'tha' })
    expect(slashQueryAt('Hello\n/ref', 10)).toEqual({ start: 6, end: 10, query: 'ref' })
    expect(slashQueryAt('Hello /', 7)).toEqual({ start: 6, end: 7, query: '' })
    expect(slashQueryAt('a\t/Ship', 7)).toEqual({ start: 2, end: 7, query: 'ship' })
  })

  it('covers the whole code when the caret is inside it', () => {
    expect(slashQueryAt('x /thanks more', 5)).toEqual({ start: 2, end: 9, query: 'th' })
  })

  it('stays closed inside words, URLs, after the code, and for a caret before the slash', () => {
    expect(slashQueryAt('and/or', 6)).toBeNull()
    expect(slashQueryAt('see https://x.test/a', 20)).toBeNull()
    expect(slashQueryAt('/thanks ', 8)).toBeNull()
    expect(slashQueryAt('/thanks', 0)).toBeNull()
    expect(slashQueryAt('no slash', 3)).toBeNull()
    expect(slashQueryAt('', 0)).toBeNull()
    expect(slashQueryAt(`/${'a'.repeat(41)}`, 42)).toBeNull()
  })
})

describe('searchCanned', () => {
  const items = [
    { shortCode: 'shipping', content: 'Orders ship within 2 days.' },
    { shortCode: 'thanks', content: 'Thanks for reaching out!' },
    { shortCode: 'refund', content: 'Your refund is on its way.' },
    { shortCode: 'delay-shipping', content: 'Sorry for the wait.' },
  ]
  const codes = (q: string) => searchCanned(items, q).map((i) => i.shortCode)

  it('lists everything by short code for an empty query', () => {
    expect(codes('')).toEqual(['delay-shipping', 'refund', 'shipping', 'thanks'])
  })

  it('ranks prefix matches, then code matches, then content matches', () => {
    expect(codes('ship')).toEqual(['shipping', 'delay-shipping'])
    expect(codes('way')).toEqual(['refund'])
    expect(codes('s')).toEqual(['shipping', 'delay-shipping', 'thanks', 'refund'])
    expect(codes('zzz')).toEqual([])
  })
})

describe('request schemas', () => {
  it('lowercases and checks a short code', () => {
    expect(NewCannedResponse.parse({ shortCode: ' Thanks ', content: 'x' }).shortCode).toBe('thanks')
    for (const bad of ['', 'two words', 'ümlaut', 'a/b', 'x'.repeat(41)]) {
      expect(NewCannedResponse.safeParse({ shortCode: bad, content: 'x' }).success, bad).toBe(false)
    }
    expect(NewCannedResponse.safeParse({ shortCode: 'ok_1-2', content: 'x'.repeat(5_000) }).success).toBe(true)
  })

  it('refuses empty or too long content, and a patch that changes nothing', () => {
    expect(NewCannedResponse.safeParse({ shortCode: 'a', content: '   ' }).success).toBe(false)
    expect(NewCannedResponse.safeParse({ shortCode: 'a', content: 'x'.repeat(5_001) }).success).toBe(false)
    expect(CannedResponsePatch.safeParse({}).success).toBe(false)
    expect(CannedResponsePatch.safeParse({ content: 'new' }).success).toBe(true)
  })
})
