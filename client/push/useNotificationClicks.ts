import { onScopeDispose } from 'vue'
import type { Router } from 'vue-router'

/** A click on a system notification focuses this window and the service worker tells it where to go
 *  (client/sw/notifications-sw.ts): the router goes there, without reloading the page. */
export function useNotificationClicks(router: Router): void {
  if (!('serviceWorker' in navigator)) return
  const onMessage = (event: MessageEvent) => {
    const data = event.data as { type?: unknown; url?: unknown } | null
    if (data?.type !== 'notification-open' || typeof data.url !== 'string' || !/^\/(?!\/)/.test(data.url)) return
    void router.push(data.url)
  }
  navigator.serviceWorker.addEventListener('message', onMessage)
  onScopeDispose(() => navigator.serviceWorker.removeEventListener('message', onMessage))
}
