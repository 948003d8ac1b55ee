export interface TextEdit {
  text: string
  selectionStart: number
  selectionEnd: number
}

export type Format = 'bold' | 'italic' | 'list' | 'link'

/** Applies a toolbar format to the selection of a plain-text markdown editor. Pure, for tests. */
export function applyFormat(format: Format, { text, selectionStart: s, selectionEnd: e }: TextEdit): TextEdit {
  const selected = text.slice(s, e)
  const wrap = (before: string, after: string, placeholder: string): TextEdit => {
    const inner = selected || placeholder
    return {
      text: text.slice(0, s) + before + inner + after + text.slice(e),
      selectionStart: s + before.length,
      selectionEnd: s + before.length + inner.length,
    }
  }
  switch (format) {
    case 'bold':
      return wrap('**', '**', 'bold text')
    case 'italic':
      return wrap('_', '_', 'italic text')
    case 'link':
      return selected ? wrap('[', '](https://)', '') : wrap('[', '](https://)', 'link text')
    case 'list': {
      // lastIndexOf('\n', -1) still finds a newline at index 0, so the first line is handled apart.
      const lineStart = s === 0 ? 0 : text.lastIndexOf('\n', s - 1) + 1
      // The placeholder only fills an empty line; a caret at the start of a written line lists that line.
      const emptyLine = e === lineStart && (e === text.length || text[e] === '\n')
      const block = text.slice(lineStart, e) || (emptyLine ? 'item' : '')
      const listed = block
        .split('\n')
        .map((line) => (line.startsWith('- ') ? line : `- ${line}`))
        .join('\n')
      return {
        text: text.slice(0, lineStart) + listed + text.slice(Math.max(e, lineStart)),
        selectionStart: lineStart + listed.length,
        selectionEnd: lineStart + listed.length,
      }
    }
  }
}
