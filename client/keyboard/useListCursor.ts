import { nextTick, watch, type Ref } from 'vue'
import { useKeyboardStore } from './keyboard-store.ts'

interface Scrolls {
  scrollToIndex: (index: number, options?: { align?: 'auto' | 'start' | 'center' | 'end' }) => void
}

/**
 * The list's side of `j`/`k`: publishes the rows' order, and on each keyboard move scrolls the
 * virtual list to the cursor's row (it may not be rendered yet) and focuses it, so Enter opens it and
 * a screen reader follows.
 */
export function useListCursor(ids: Ref<readonly string[]>, virtualizer: Ref<Scrolls>, scroller: Ref<HTMLElement | null>) {
  const keyboard = useKeyboardStore()
  watch(ids, (next) => (keyboard.rows = next), { immediate: true })
  // The list hides itself (v-show) while search results replace it.
  keyboard.listShown = () => scroller.value?.style.display !== 'none'
  watch(
    () => keyboard.moved,
    async () => {
      const id = keyboard.current
      const index = id ? ids.value.indexOf(id) : -1
      if (index === -1) return
      virtualizer.value.scrollToIndex(index, { align: 'auto' })
      // The virtualizer renders the row on its next measure: wait for it, a frame at most twice.
      for (let tries = 0; tries < 3; tries++) {
        await nextTick()
        const row = scroller.value?.querySelector<HTMLElement>(`[data-conversation-id="${CSS.escape(id!)}"]`)
        if (row) return row.focus({ preventScroll: true })
        await new Promise((done) => requestAnimationFrame(() => done(null)))
      }
    },
  )
  return { current: () => keyboard.current }
}
