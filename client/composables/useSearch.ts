import { liveQuery } from 'dexie'
import { computed, onScopeDispose, ref, shallowRef, watch, type Ref } from 'vue'
import type { InboxDatabase } from '../db/database.ts'
import type { SearchFilters } from '../search/search-index.ts'
import type { SearchResultView } from '../search/result-views.ts'
import type { Watch } from '../search/device-search.ts'
import { afterFirstRows } from '../lib/first-paint.ts'

type SearchModule = typeof import('../search/search-module.ts')

/** The search chunk watches through this, so Dexie stays in the first-load chunk alone. */
export const watchLive: Watch = (query, next) => {
  const subscription = liveQuery(query).subscribe({ next, error: () => undefined })
  return () => subscription.unsubscribe()
}

/**
 * The conversation search as refs. The index and MiniSearch load on first use (the field focused) or
 * when the browser is idle after start, never with the first page: the first-load JS stays small.
 */
export function useSearch(db: InboxDatabase, filters: Ref<SearchFilters>) {
  const text = ref('')
  const results = shallowRef<SearchResultView[]>([])
  const loading = ref(false)
  const error = ref<unknown>(null)
  const active = computed(() => /[\p{L}\p{N}]/u.test(text.value))
  let loaded: Promise<{ mod: SearchModule; engine: Awaited<ReturnType<SearchModule['deviceSearch']>> }> | null = null
  let stopListening: (() => void) | null = null
  let run = 0

  function load() {
    loaded ??= import('../search/search-module.ts').then(async (mod) => {
      const engine = await mod.deviceSearch(db, watchLive)
      stopListening = engine.onChange(() => void refresh())
      return { mod, engine }
    })
    loaded.catch((e: unknown) => {
      error.value = e
      loaded = null
    })
    return loaded
  }

  async function refresh(): Promise<void> {
    const mine = ++run
    if (!active.value) {
      results.value = []
      loading.value = false
      return
    }
    loading.value = true
    try {
      const { mod, engine } = await load()
      const views = await mod.resultViews(db, engine, text.value, filters.value)
      if (mine !== run) return
      results.value = views
      error.value = null
    } catch (e) {
      if (mine === run) error.value = e
    } finally {
      if (mine === run) loading.value = false
    }
  }

  // Keystrokes typed while a search blocks the main thread queue up behind it: they are coalesced
  // into one search of the latest text rather than one each.
  let queued: ReturnType<typeof setTimeout> | null = null
  watch(
    [text, filters],
    () => {
      if (queued) clearTimeout(queued)
      queued = setTimeout(() => {
        queued = null
        void refresh()
      }, 0)
    },
    { deep: true },
  )
  // No timeout: loading the saved index parses it on the main thread (about a second at 10,000
  // conversations, bench -- search), so only when the browser is really idle.
  // Not before the list's first rows: an idle moment while the list waits for IndexedDB would
  // otherwise start a parse that holds the main thread for the whole of it.
  let idle: number | null = null
  let disposed = false
  void afterFirstRows().then(() => {
    if (!disposed && typeof requestIdleCallback === 'function') idle = requestIdleCallback(() => void load())
  })
  onScopeDispose(() => {
    disposed = true
    if (idle !== null) cancelIdleCallback(idle)
    if (queued) clearTimeout(queued)
    stopListening?.()
    run++
  })
  return { text, results, loading, error, active, load }
}
