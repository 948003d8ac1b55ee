import { onScopeDispose, watch, type Ref } from 'vue'
import { desktopNotificationsOn } from './web-push.ts'

// While the app is open but not looked at (another tab in front, the window minimised), the agent's
// new notifications from the live feed show as system notifications, through the service worker's
// registration (the only way on Android, and the one a click comes back through). Not while the app
// is visible: the header's bell shows them there.

/** What a notification says and where it leads, as the app's notifications list words it. */
export interface NotificationToShow {
  id: string
  title: string
  body: string
  path: string
  unread: boolean
  createdAt: number
}

/**
 * Which of `items` to show now, and the ids to remember as handled. Every item seen is handled once,
 * shown or not: a notification that arrived while the app was visible does not pop up later when the
 * agent switches away. Older than `since` (the app's start): a device catching up after a night
 * offline does not replay the night as a burst; the list has them.
 */
export function notificationsToShow(
  items: readonly NotificationToShow[],
  handled: ReadonlySet<string>,
  since: number,
  hidden: boolean,
): { show: NotificationToShow[]; handled: string[] } {
  const fresh = items.filter((n) => !handled.has(n.id))
  const show = hidden ? fresh.filter((n) => n.unread && n.createdAt >= since) : []
  return { show, handled: fresh.map((n) => n.id) }
}

/** Watches the agent's notifications (newest first, from the device database) and shows the new
 *  ones while the page is hidden. The tag is the notification's id: a Web Push of the same one
 *  replaces it instead of showing a second. */
export function useBackgroundNotifications(items: Ref<readonly NotificationToShow[]>, now: () => number = Date.now): void {
  const handled = new Set<string>()
  const since = now()
  const stop = watch(
    items,
    (list) => {
      const hidden = document.visibilityState === 'hidden' && desktopNotificationsOn()
      const next = notificationsToShow(list, handled, since, hidden)
      for (const id of next.handled) handled.add(id)
      if (next.show.length === 0) return
      void navigator.serviceWorker.ready.then((registration) =>
        Promise.all(
          next.show.map((n) =>
            registration.showNotification(n.title, { body: n.body, tag: n.id, data: { url: n.path }, icon: '/icons/icon-192.png' }),
          ),
        ),
      ).catch(() => undefined)
    },
    { immediate: true },
  )
  onScopeDispose(stop)
}
