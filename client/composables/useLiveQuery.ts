import { liveQuery, type Subscription } from 'dexie'
import { onScopeDispose, ref, shallowRef, watch, type Ref, type ShallowRef, type WatchSource } from 'vue'

export interface LiveQuery<T> {
  data: ShallowRef<T>
  loading: Ref<boolean>
  error: Ref<unknown>
}

/**
 * A Dexie liveQuery as refs. Re-subscribes when a dependency changes and keeps showing the previous
 * result until the new one arrives, so switching a filter never blanks the screen (no layout jump).
 */
export function useLiveQuery<T>(query: () => Promise<T> | T, deps: WatchSource[], initial: T): LiveQuery<T> {
  const data = shallowRef(initial) as ShallowRef<T>
  const loading = ref(true)
  const error = ref<unknown>(null)
  let subscription: Subscription | null = null

  watch(
    deps,
    () => {
      subscription?.unsubscribe()
      loading.value = true
      subscription = liveQuery(query).subscribe({
        next: (value) => {
          data.value = value
          loading.value = false
          error.value = null
        },
        error: (e: unknown) => {
          error.value = e
          loading.value = false
        },
      })
    },
    { immediate: true },
  )
  onScopeDispose(() => subscription?.unsubscribe())
  return { data, loading, error }
}
