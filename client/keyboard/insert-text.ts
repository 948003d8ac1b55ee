/**
 * Inserts text at a textarea's caret as typing would: an `input` event, so each editor keeps its own
 * path (the reply's draft, the note's diff into the shared Y.Text), the same path as the `/` picker.
 */
export function insertAtCaret(el: HTMLTextAreaElement, text: string): void {
  el.focus()
  const start = el.selectionStart
  const end = el.selectionEnd
  // A response lands on a line of its own when the caret sits after other text.
  const before = el.value.slice(0, start)
  const piece = before && !before.endsWith('\n') && !before.endsWith(' ') ? ` ${text}` : text
  // insertText keeps the browser's undo history; where it is unsupported, edit and announce it.
  if (!piece || !document.execCommand('insertText', false, piece)) {
    el.setRangeText(piece, start, end, 'end')
    el.dispatchEvent(new Event('input', { bubbles: true }))
  }
}
