import { watch } from 'vue'
import { useKeyboardStore, type ConversationSignal } from './keyboard-store.ts'

/** Runs `handle` for each shortcut request of these kinds sent while the component is mounted. */
export function useKeyboardSignal<K extends ConversationSignal['kind']>(
  kinds: readonly K[],
  handle: (signal: Extract<ConversationSignal, { kind: K }>) => void,
): void {
  const keyboard = useKeyboardStore()
  watch(
    () => keyboard.signal,
    (signal) => {
      if (signal && (kinds as readonly string[]).includes(signal.kind)) handle(signal as Extract<ConversationSignal, { kind: K }>)
    },
  )
}
