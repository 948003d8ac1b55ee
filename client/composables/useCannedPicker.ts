import { computed, nextTick, onScopeDispose, ref, useId, watch, watchEffect, type Ref } from 'vue'
import { type CannedContext, type SlashQuery, fillCanned, searchCanned, slashQueryAt } from '../../shared/canned.ts'
import type { CannedRecord, ConversationRecord } from '../db/records.ts'
import { useSessionStore } from '../stores/session.ts'
import { useCanned } from './useCanned.ts'
import { useContact } from './useConversation.ts'

const MAX_OPTIONS = 50

/**
 * The `/` list of a composer's textarea: typing `/` at the start of a line or after a space opens it,
 * what follows filters it, arrows move, Enter or Tab inserts, Escape closes, a tap inserts. Focus stays
 * in the textarea (the list is its aria-activedescendant), so the keyboard stays up on a phone.
 *
 * Inserting edits the textarea as typing does (an `input` event), so each editor keeps its own path:
 * the reply's v-model and draft, the note's diff into the shared Y.Text.
 */
export function useCannedPicker(editor: Ref<HTMLTextAreaElement | null>, row: () => ConversationRecord) {
  const session = useSessionStore()
  const db = session.db!
  const canned = useCanned(db)
  const contact = useContact(db, computed(() => row().contactId))
  const listId = `canned-${useId()}`
  const trigger = ref<SlashQuery | null>(null)
  // Escape closes the list for this slash; it opens again for another one.
  const dismissed = ref<number | null>(null)
  const active = ref(0)

  const options = computed(() => (trigger.value ? searchCanned(canned.data.value, trigger.value.query).slice(0, MAX_OPTIONS) : []))
  const open = computed(() => trigger.value !== null && trigger.value.start !== dismissed.value && options.value.length > 0)
  const optionId = (item: CannedRecord) => `${listId}-${item.id}`

  const context = (): CannedContext => ({
    contact: contact.data.value,
    agent: session.me,
    conversation: { number: row().number },
  })
  /** One line of what inserting it would write. */
  const preview = (item: CannedRecord) => fillCanned(item.content, context()).replace(/\s+/g, ' ').trim()

  function update() {
    const el = editor.value
    const next = el && el.selectionStart === el.selectionEnd ? slashQueryAt(el.value, el.selectionStart) : null
    if (next?.start !== trigger.value?.start || next?.query !== trigger.value?.query) active.value = 0
    if (!next || next.start !== dismissed.value) dismissed.value = null
    trigger.value = next
  }

  function close() {
    trigger.value = null
  }

  function choose(item: CannedRecord) {
    const el = editor.value
    update()
    const at = trigger.value
    if (!el || !at) return
    const text = fillCanned(item.content, context())
    el.focus()
    el.setSelectionRange(at.start, at.end)
    // insertText keeps the browser's undo history; where it is unsupported, edit and announce it.
    if (!text || !document.execCommand('insertText', false, text)) {
      el.setRangeText(text, at.start, at.end, 'end')
      el.dispatchEvent(new Event('input', { bubbles: true }))
    }
    close()
  }

  /** Called first by the editor's keydown handler: true when the key was the list's. */
  function onKeydown(event: KeyboardEvent): boolean {
    if (!open.value || event.isComposing || event.altKey || event.ctrlKey || event.metaKey) return false
    const count = options.value.length
    if (event.key === 'ArrowDown') active.value = (active.value + 1) % count
    else if (event.key === 'ArrowUp') active.value = (active.value - 1 + count) % count
    else if (event.key === 'Enter' || (event.key === 'Tab' && !event.shiftKey)) choose(options.value[active.value]!)
    else if (event.key === 'Escape') dismissed.value = trigger.value!.start
    else return false
    event.preventDefault()
    event.stopPropagation()
    return true
  }

  // The textarea belongs to the editor; the list reads its edits and caret moves and describes itself
  // on it for assistive technology.
  const listeners: [string, () => void][] = [
    ['input', update],
    ['click', update],
    ['keyup', update],
    ['blur', close],
  ]
  watch(
    editor,
    (el, previous) => {
      for (const [name, fn] of listeners) previous?.removeEventListener(name, fn)
      for (const [name, fn] of listeners) el?.addEventListener(name, fn)
      el?.setAttribute('aria-autocomplete', 'list')
    },
    { immediate: true },
  )
  onScopeDispose(() => {
    for (const [name, fn] of listeners) editor.value?.removeEventListener(name, fn)
  })
  watchEffect(() => {
    const el = editor.value
    if (!el) return
    const current = open.value ? options.value[active.value] : undefined
    if (open.value) el.setAttribute('aria-controls', listId)
    else el.removeAttribute('aria-controls')
    if (current) el.setAttribute('aria-activedescendant', optionId(current))
    else el.removeAttribute('aria-activedescendant')
  })
  watch([active, open], async () => {
    await nextTick()
    const current = options.value[active.value]
    if (open.value && current) document.getElementById(optionId(current))?.scrollIntoView({ block: 'nearest' })
  })

  return { editor, listId, open, options, active, optionId, preview, choose, onKeydown, close }
}

export type CannedPicker = ReturnType<typeof useCannedPicker>
