/**
 * Which key runs which action, and when. Pure: the DOM shell (useKeyboardShortcuts) describes the
 * event and where it happened, this decides. Keys are matched on `event.key`, so they follow the
 * agent's keyboard layout (`?` is Shift+/ on one layout, something else on another).
 */
export type ShortcutAction =
  | 'next'
  | 'previous'
  | 'open'
  | 'back'
  | 'reply'
  | 'note'
  | 'resolve'
  | 'assignToMe'
  | 'snooze'
  | 'search'
  | 'help'
  | 'palette'
  /** Escape in a field: the field lets go of the keyboard (the next Escape goes back). */
  | 'leaveField'

/** Where the key was pressed: a text field (typing), inside a popup (dialog, menu, listbox: it owns
 *  its keys), on a control that Enter activates natively (button, link, tab), or nowhere in particular. */
export type KeyTarget = 'field' | 'popup' | 'control' | 'none'

export type KeyView = 'list' | 'conversation'

export interface KeyPress {
  key: string
  ctrlKey: boolean
  metaKey: boolean
  altKey: boolean
  /** An IME composition: the key belongs to the text being composed. */
  isComposing: boolean
  /** Something closer to the target already handled it (a picker's Escape, the search field's). */
  defaultPrevented: boolean
  /** Held down: a repeat moves through the list, but never resolves twice. */
  repeat: boolean
}

export interface KeyContext {
  target: KeyTarget
  view: KeyView
}

export interface Shortcut {
  action: ShortcutAction
  keys: string[]
  label: string
  /** Only in the open conversation. */
  conversation?: true
}

/** Everything the "Keyboard shortcuts" dialog lists, in its order. */
export const SHORTCUTS: readonly Shortcut[] = [
  { action: 'next', keys: ['j'], label: 'Next conversation' },
  { action: 'previous', keys: ['k'], label: 'Previous conversation' },
  { action: 'open', keys: ['Enter'], label: 'Open conversation' },
  { action: 'back', keys: ['Escape'], label: 'Back to the list (first closes a dialog or menu, or leaves a field)' },
  { action: 'reply', keys: ['r'], label: 'Reply', conversation: true },
  { action: 'note', keys: ['n'], label: 'Note', conversation: true },
  { action: 'resolve', keys: ['e'], label: 'Resolve (or Reopen)', conversation: true },
  { action: 'assignToMe', keys: ['a'], label: 'Assign to me', conversation: true },
  { action: 'snooze', keys: ['s'], label: 'Snooze', conversation: true },
  { action: 'search', keys: ['/'], label: 'Search conversations' },
  { action: 'help', keys: ['?'], label: 'Keyboard shortcuts' },
  { action: 'palette', keys: ['Ctrl+K', '⌘+K'], label: 'Command palette' },
]

const PLAIN: ReadonlyMap<string, Shortcut> = new Map(
  SHORTCUTS.flatMap((s) => (s.action === 'palette' ? [] : s.keys.map((k) => [k, s] as const))),
)

/** Actions that must not run again while a key is held. */
const ONCE: ReadonlySet<ShortcutAction> = new Set(['leaveField', 'resolve', 'assignToMe', 'snooze', 'open', 'reply', 'note', 'help', 'palette', 'back', 'search'])

export function resolveShortcut(press: KeyPress, context: KeyContext): ShortcutAction | null {
  if (press.isComposing || press.defaultPrevented) return null
  const action = match(press, context)
  if (action && press.repeat && ONCE.has(action)) return null
  return action
}

function match(press: KeyPress, { target, view }: KeyContext): ShortcutAction | null {
  // Ctrl+K or ⌘+K (not both, not with Alt): a modifier chord is not typing, so it works in a field too.
  if ((press.ctrlKey !== press.metaKey) && !press.altKey && press.key.toLowerCase() === 'k') {
    return target === 'popup' ? null : 'palette'
  }
  // Any other chord belongs to the browser or the system (copy, find, tab switch…).
  if (press.ctrlKey || press.metaKey || press.altKey) return null
  // A popup owns its keys, Escape included: it closes first, the next Escape goes back.
  if (target === 'popup') return null
  // Escape in a field first leaves it: a field's own Escape (a label being added, a search being
  // cleared) must not also close the conversation under it.
  if (press.key === 'Escape') return target === 'field' ? 'leaveField' : view === 'conversation' ? 'back' : null
  // Typing in a field is typing.
  if (target === 'field') return null
  const shortcut = PLAIN.get(press.key)
  if (!shortcut) return null
  // Enter on a button or link activates it; the shortcut would act twice.
  if (shortcut.action === 'open' && target === 'control') return null
  if (shortcut.conversation && view !== 'conversation') return null
  return shortcut.action
}
