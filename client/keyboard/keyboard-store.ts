import { acceptHMRUpdate, defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'

/** A request to the open conversation's components (the composer, the status actions), which own
 *  their state: a shortcut asks, the component does it as a click would. */
export type ConversationSignal =
  | { kind: 'reply' | 'note' | 'snooze'; seq: number }
  | { kind: 'insert'; text: string; seq: number }

export type KeyboardDialog = 'shortcuts' | 'palette' | null

/** The keyboard's app-wide state: the list's order as shown, the `j`/`k` row, the open dialog. */
export const useKeyboardStore = defineStore('keyboard', () => {
  /** Ids in the list's order, published by the list pane (it alone knows its filter and sort). */
  const rows = shallowRef<readonly string[]>([])
  const current = ref<string | null>(null)
  /** False while search results stand in for the list: j/k do not walk rows nobody can see. */
  const listShown = shallowRef<() => boolean>(() => true)
  /** The search results' ids while they stand in for the list: j/k walk these instead. */
  const searchRows = shallowRef<readonly string[] | null>(null)
  const dialog = ref<KeyboardDialog>(null)
  const signal = shallowRef<ConversationSignal | null>(null)
  /** Bumped by each keyboard move: the list scrolls to the row and focuses it (roving focus). */
  const moved = ref(0)
  let seq = 0

  function move(id: string | null): void {
    current.value = id
    moved.value++
  }

  function send(kind: 'reply' | 'note' | 'snooze'): void {
    signal.value = { kind, seq: ++seq }
  }
  function insert(text: string): void {
    signal.value = { kind: 'insert', text, seq: ++seq }
  }

  return { rows, current, listShown, searchRows, moved, dialog, signal, move, send, insert }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useKeyboardStore, import.meta.hot))
