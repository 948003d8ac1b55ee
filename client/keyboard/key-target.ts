import type { KeyTarget } from './keymap.ts'

const POPUP = 'dialog, [role="dialog"], [role="alertdialog"], [role="menu"], [role="listbox"]'
const NOT_TYPING = new Set(['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file', 'image'])
const CONTROL = 'a[href], button, summary, input, [role="button"], [role="link"], [role="tab"], [role="option"], [role="menuitem"], [role="checkbox"], [role="switch"]'

/** Describes where a key was pressed, for the keymap. A `<select>` counts as a field: its letters
 *  pick options. */
export function keyTarget(target: EventTarget | null): KeyTarget {
  if (!(target instanceof Element)) return 'none'
  if (target.closest(POPUP)) return 'popup'
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return 'field'
  if (target instanceof HTMLInputElement && !NOT_TYPING.has(target.type)) return 'field'
  if (target instanceof HTMLElement && target.isContentEditable) return 'field'
  if (target.closest(CONTROL)) return 'control'
  return 'none'
}

/** The field named "Search conversations", wherever the list renders it (absent: null). */
export function findSearchField(root: ParentNode = document): HTMLElement | null {
  for (const el of root.querySelectorAll<HTMLElement>('input, textarea, [role="searchbox"], [role="combobox"]')) {
    if (accessibleName(el) === 'search conversations' && el.offsetParent !== null) return el
  }
  return null
}

function accessibleName(el: HTMLElement): string {
  const labelledBy = el.getAttribute('aria-labelledby')
  const byIds = labelledBy
    ? labelledBy.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' ')
    : ''
  const fromLabel = el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement ? (el.labels?.[0]?.textContent ?? '') : ''
  return (byIds || el.getAttribute('aria-label') || fromLabel).trim().replace(/\s+/g, ' ').toLowerCase()
}
