import { computed, nextTick, onScopeDispose, ref, useId, watch, watchEffect, type Ref } from 'vue'
import { type MentionQuery, type MentionRef, matchMentionOptions, mentionQueryAt } from '../../shared/note-mentions.ts'
import { useSessionStore } from '../stores/session.ts'

const MAX_OPTIONS = 20

export interface MentionOption {
  ref: MentionRef
  name: string
  /** "Agent" or "Team · 3 people", read after the name. */
  detail: string
}

/**
 * The `@` list of the note's textarea: the workspace's active agents (not the writer) and its teams.
 * What follows the `@` filters it; arrows move, Enter or Tab chooses, Escape closes, a tap chooses.
 * Focus stays in the textarea (the list is its aria-activedescendant), so a phone keeps its keyboard.
 * Choosing hands the `@query` range to `insert`, which writes the mention into the shared note.
 */
export function useMentionPicker(editor: Ref<HTMLTextAreaElement | null>, insert: (at: MentionQuery, option: MentionOption) => void) {
  const session = useSessionStore()
  const listId = `mentions-${useId()}`
  const trigger = ref<MentionQuery | null>(null)
  const dismissed = ref<number | null>(null)
  const active = ref(0)

  const everyone = computed((): MentionOption[] => {
    const ws = session.workspace
    if (!ws) return []
    const agents = ws.agents
      .filter((a) => a.active !== false && a.id !== ws.me.id)
      .map((a) => ({ ref: { kind: 'agent' as const, id: a.id }, name: a.name, detail: 'Agent' }))
    const teams = ws.teams.map((t) => ({
      ref: { kind: 'team' as const, id: t.id },
      name: t.name,
      detail: `Team · ${t.memberIds.length} ${t.memberIds.length === 1 ? 'person' : 'people'}`,
    }))
    return [...agents, ...teams]
  })
  const options = computed(() => (trigger.value ? matchMentionOptions(everyone.value, trigger.value.query).slice(0, MAX_OPTIONS) : []))
  const open = computed(() => trigger.value !== null && trigger.value.start !== dismissed.value && options.value.length > 0)
  const optionId = (option: MentionOption) => `${listId}-${option.ref.kind}-${option.ref.id}`

  function update() {
    const el = editor.value
    const next = el && el.selectionStart === el.selectionEnd ? mentionQueryAt(el.value, el.selectionStart) : null
    if (next?.start !== trigger.value?.start || next?.query !== trigger.value?.query) active.value = 0
    if (!next || next.start !== dismissed.value) dismissed.value = null
    trigger.value = next
  }

  const close = () => (trigger.value = null)

  function choose(option: MentionOption) {
    update()
    const at = trigger.value
    if (!editor.value || !at) return
    editor.value.focus()
    insert(at, option)
    // The inserted `@Name ` would read as a query again: this `@` is done with.
    dismissed.value = at.start
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
    },
    { immediate: true },
  )
  onScopeDispose(() => {
    for (const [name, fn] of listeners) editor.value?.removeEventListener(name, fn)
  })
  // The canned list describes itself on the same textarea; each sets these only while it is open.
  watchEffect(() => {
    const el = editor.value
    if (!el || !open.value) return
    const current = options.value[active.value]
    el.setAttribute('aria-controls', listId)
    if (current) el.setAttribute('aria-activedescendant', optionId(current))
  })
  watch(open, (isOpen) => {
    if (isOpen || !editor.value || editor.value.getAttribute('aria-controls') !== listId) return
    editor.value.removeAttribute('aria-controls')
    editor.value.removeAttribute('aria-activedescendant')
  })
  watch([active, open], async () => {
    await nextTick()
    const current = options.value[active.value]
    if (open.value && current) document.getElementById(optionId(current))?.scrollIntoView({ block: 'nearest' })
  })

  return { editor, listId, open, options, active, optionId, choose, onKeydown, close }
}

export type MentionPicker = ReturnType<typeof useMentionPicker>
