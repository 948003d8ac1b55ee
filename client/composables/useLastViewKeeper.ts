import { nextTick, onScopeDispose, watch, type Ref } from 'vue'
import type { Status } from '../../shared/conversation-doc.ts'
import type { LiveQuery } from './useLiveQuery.ts'
import type { ListRow } from './useConversationList.ts'
import { writeListSnapshot } from '../lib/list-snapshot.ts'
import { captureShell } from '../lib/shell-snapshot.ts'
import { LAST_AGENT_KEY } from '../lib/last-agent.ts'

/** After the list settles: not on every keystroke of a colleague's typing indicator. */
const SETTLE_MS = 1000

export interface LastView {
  agentId: Ref<string>
  list: Ref<string>
  rows: LiveQuery<ListRow[]>
  counts: LiveQuery<Record<Status, number>>
  unread: LiveQuery<Record<Status, number>>
  /** The inbox with nothing open over it and the list at its top: only then is the page kept. */
  plainInbox: () => boolean
}

/**
 * Keeps the device's last view of the inbox for the next start (list-snapshot.ts, shell-snapshot.ts):
 * once the live answers have come and settled, and when the page goes away.
 */
export function useLastViewKeeper(view: LastView): void {
  let timer: ReturnType<typeof setTimeout> | null = null

  function keep(): void {
    if (view.rows.loading.value || view.counts.loading.value || view.unread.loading.value) return
    // Signed out (or ended) meanwhile: the view was forgotten and must stay so.
    if (localStorage.getItem(LAST_AGENT_KEY) !== view.agentId.value) return
    writeListSnapshot({
      agentId: view.agentId.value,
      list: view.list.value,
      rows: view.rows.data.value,
      counts: view.counts.data.value,
      unread: view.unread.data.value,
    })
    if (view.plainInbox()) captureShell(view.agentId.value)
  }

  watch([view.rows.data, view.counts.data, view.unread.data, view.rows.loading], () => {
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => {
      timer = null
      void nextTick(keep)
    }, SETTLE_MS)
  })
  const onHide = () => {
    if (document.visibilityState === 'hidden') keep()
  }
  document.addEventListener('visibilitychange', onHide)
  window.addEventListener('pagehide', keep)
  onScopeDispose(() => {
    if (timer) clearTimeout(timer)
    document.removeEventListener('visibilitychange', onHide)
    window.removeEventListener('pagehide', keep)
  })
}
