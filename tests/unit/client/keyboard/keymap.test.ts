import { describe, expect, it } from 'vitest'
import { SHORTCUTS, resolveShortcut, type KeyContext, type KeyPress } from '../../../../client/keyboard/keymap.ts'

const press = (key: string, extra: Partial<KeyPress> = {}): KeyPress => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  isComposing: false,
  defaultPrevented: false,
  repeat: false,
  ...extra,
})
const list: KeyContext = { target: 'none', view: 'list' }
const open: KeyContext = { target: 'none', view: 'conversation' }

describe('keymap', () => {
  it('maps each key of the issue to its action in the open conversation', () => {
    const got = ['j', 'k', 'Enter', 'Escape', 'r', 'n', 'e', 'a', 's', '/', '?'].map((k) => resolveShortcut(press(k), open))
    expect(got).toEqual(['next', 'previous', 'open', 'back', 'reply', 'note', 'resolve', 'assignToMe', 'snooze', 'search', 'help'])
  })

  it('ignores keys typed in a field, but honours Escape there (it leaves the field)', () => {
    for (const k of ['j', 'k', 'Enter', 'r', 'n', 'e', 'a', 's', '/', '?']) {
      expect(resolveShortcut(press(k), { target: 'field', view: 'conversation' }), k).toBeNull()
    }
    expect(resolveShortcut(press('Escape'), { target: 'field', view: 'conversation' })).toBe('leaveField')
    expect(resolveShortcut(press('Escape'), { target: 'field', view: 'list' })).toBe('leaveField')
  })

  it('leaves every key, Escape included, to an open dialog or menu', () => {
    for (const k of ['Escape', 'j', 'e', '?']) expect(resolveShortcut(press(k), { target: 'popup', view: 'conversation' })).toBeNull()
    expect(resolveShortcut(press('k', { ctrlKey: true }), { target: 'popup', view: 'conversation' })).toBeNull()
  })

  it('runs conversation actions only with a conversation open', () => {
    for (const k of ['r', 'n', 'e', 'a', 's', 'Escape']) expect(resolveShortcut(press(k), list), k).toBeNull()
    for (const k of ['j', 'k', 'Enter', '/', '?']) expect(resolveShortcut(press(k), list), k).not.toBeNull()
  })

  it('opens the palette with Ctrl+K or ⌘+K, in a field too, and ignores other chords', () => {
    expect(resolveShortcut(press('k', { ctrlKey: true }), list)).toBe('palette')
    expect(resolveShortcut(press('k', { metaKey: true }), { target: 'field', view: 'conversation' })).toBe('palette')
    expect(resolveShortcut(press('K', { ctrlKey: true }), list)).toBe('palette')
    expect(resolveShortcut(press('k', { ctrlKey: true, altKey: true }), list)).toBeNull()
    expect(resolveShortcut(press('k', { ctrlKey: true, metaKey: true }), list)).toBeNull()
    for (const mod of ['ctrlKey', 'metaKey', 'altKey'] as const) {
      for (const k of ['j', 'e', 'a', 'r', 'Enter', 'Escape']) expect(resolveShortcut(press(k, { [mod]: true }), open), `${mod}+${k}`).toBeNull()
    }
  })

  it('lets Enter on a button or link activate it rather than open twice', () => {
    expect(resolveShortcut(press('Enter'), { target: 'control', view: 'list' })).toBeNull()
    expect(resolveShortcut(press('e'), { target: 'control', view: 'conversation' })).toBe('resolve')
  })

  it('ignores a composing IME, a key already handled, and repeats of one-shot actions', () => {
    expect(resolveShortcut(press('e', { isComposing: true }), open)).toBeNull()
    expect(resolveShortcut(press('Escape', { defaultPrevented: true }), open)).toBeNull()
    expect(resolveShortcut(press('e', { repeat: true }), open)).toBeNull()
    expect(resolveShortcut(press('j', { repeat: true }), open)).toBe('next')
  })

  it('is case-sensitive: Shift+J is not j', () => {
    expect(resolveShortcut(press('J'), list)).toBeNull()
  })

  it('lists every action once in the shortcuts dialog', () => {
    const actions = SHORTCUTS.map((s) => s.action)
    expect(new Set(actions).size).toBe(actions.length)
    expect(actions).toHaveLength(12)
  })
})
