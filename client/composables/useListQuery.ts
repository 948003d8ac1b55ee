import { computed } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { Status } from '../../shared/conversation-doc.ts'
import type { ListFilter } from './useConversationList.ts'
import { ListSort } from '../lib/conversation-sort.ts'

const FILTERS: ListFilter[] = ['mine', 'unassigned', 'all']

/** The list's filter, status tab and inbox live in the URL, so reload, back and deep links keep them. */
export function useListQuery() {
  const route = useRoute()
  const router = useRouter()
  const filter = computed<ListFilter>(() => {
    const f = route.query.filter
    return typeof f === 'string' && (FILTERS as string[]).includes(f) ? (f as ListFilter) : 'all'
  })
  const status = computed<Status>(() => {
    const parsed = Status.safeParse(route.query.status)
    return parsed.success ? parsed.data : 'open'
  })
  /** An inbox id, or null for every inbox. */
  const inbox = computed<string | null>(() => (typeof route.query.inbox === 'string' && route.query.inbox ? route.query.inbox : null))
  const sort = computed<ListSort>(() => ListSort.safeParse(route.query.sort).data ?? 'newest')
  const set = (change: { filter?: ListFilter; status?: Status; inbox?: string | null; sort?: ListSort }) => {
    const chosen = change.inbox === undefined ? inbox.value : change.inbox
    const order = change.sort ?? sort.value
    const { inbox: _previous, sort: _sort, ...rest } = route.query
    return router.replace({
      query: {
        ...rest,
        filter: change.filter ?? filter.value,
        status: change.status ?? status.value,
        ...(chosen ? { inbox: chosen } : {}),
        // The default order stays out of the URL, so links made before sorting existed look the same.
        ...(order !== 'newest' ? { sort: order } : {}),
      },
    })
  }
  return { filter, status, inbox, sort, set, FILTERS }
}
