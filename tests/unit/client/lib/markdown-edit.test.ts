import { describe, expect, it } from 'vitest'
import { type TextEdit, applyFormat } from '../../../../client/lib/markdown-edit.ts'

/** Writes an editor state as text with the selection marked: `[` and `]`, or `|` for a caret. */
function show({ text, selectionStart: s, selectionEnd: e }: TextEdit): string {
  return s === e ? `${text.slice(0, s)}|${text.slice(s)}` : `${text.slice(0, s)}[${text.slice(s, e)}]${text.slice(e)}`
}

/** Reads the notation of `show`. */
function edit(marked: string): TextEdit {
  const caret = marked.indexOf('|')
  if (caret >= 0) return { text: marked.replace('|', ''), selectionStart: caret, selectionEnd: caret }
  const s = marked.indexOf('[')
  const e = marked.indexOf(']') - 1
  return { text: marked.replace('[', '').replace(']', ''), selectionStart: s, selectionEnd: e }
}

describe('applyFormat', () => {
  it.each([
    ['bold', 'say [hi] now', 'say **[hi]** now'],
    ['bold', 'say |now', 'say **[bold text]**now'],
    ['italic', '[really]', '_[really]_'],
    ['italic', 'so |', 'so _[italic text]_'],
    ['link', 'see [the docs] here', 'see [[the docs]](https://) here'],
    ['link', '|', '[[link text]](https://)'],
  ] as const)('%s turns %j into %j', (format, before, after) => {
    expect(show(applyFormat(format, edit(before)))).toBe(after)
  })

  describe('list', () => {
    it.each([
      ['an empty draft', '|', '- item|'],
      ['the caret mid-line', 'hello| world', '- hello| world'],
      ['the caret at the end of a later line', 'intro\nfirst|', 'intro\n- first|'],
      ['an empty line between others', 'a\n|\nb', 'a\n- item|\nb'],
      ['a selection over several lines', 'o[ne\ntw]o\nthree', '- one\n- tw|o\nthree'],
      ['lines already listed', '[- one\ntwo]', '- one\n- two|'],
    ] as const)('with %s: %j becomes %j', (_, before, after) => {
      expect(show(applyFormat('list', edit(before)))).toBe(after)
    })

    it('makes the line an item when the caret is at its start', () => {
      expect(show(applyFormat('list', edit('|hello')))).toBe('- |hello')
      expect(show(applyFormat('list', edit('a\n|b')))).toBe('a\n- |b')
    })

    it('lists the first line when the caret is at the very start, even if the draft begins with a blank line', () => {
      expect(show(applyFormat('list', edit('|\nabc')))).toBe('- item|\nabc')
    })
  })

  it('leaves the text around the selection as it was', () => {
    const before = edit('line one\nline [two] and more\nline three')
    const after = applyFormat('bold', before)
    expect(after.text.startsWith('line one\nline ')).toBe(true)
    expect(after.text.endsWith(' and more\nline three')).toBe(true)
  })
})
