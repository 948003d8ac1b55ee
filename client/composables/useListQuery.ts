import { computed } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { Status } from '../../shared/conversation-doc.ts'
import type { ListFilter } from './useConversationList.ts'

const FILTERS: ListFilter[] = ['mine', 'unassigned', 'all']

/** The list's filter and status tab live in the URL, so reload, back and deep links keep them. */
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
  const set = (change: { filter?: ListFilter; status?: Status }) =>
    router.replace({ query: { ...route.query, filter: change.filter ?? filter.value, status: change.status ?? status.value } })
  return { filter, status, set, FILTERS }
}
