import { onScopeDispose, ref, type Ref } from 'vue'

/** The current time, ticking: snoozes fall due and relative times age without a reload. */
export function useNow(intervalMs = 30_000): Ref<number> {
  const now = ref(Date.now())
  const timer = setInterval(() => (now.value = Date.now()), intervalMs)
  onScopeDispose(() => clearInterval(timer))
  return now
}
