import { computed } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { Status } from '../../shared/conversation-doc.ts'
import type { ListFilter } from './useConversationList.ts'

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
  const set = (change: { filter?: ListFilter; status?: Status; inbox?: string | null }) => {
    const chosen = change.inbox === undefined ? inbox.value : change.inbox
    const { inbox: _previous, ...rest } = route.query
    return router.replace({
      query: { ...rest, filter: change.filter ?? filter.value, status: change.status ?? status.value, ...(chosen ? { inbox: chosen } : {}) },
    })
  }
  return { filter, status, inbox, set, FILTERS }
}
