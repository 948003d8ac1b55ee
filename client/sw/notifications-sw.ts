// The service worker's notification handlers (issue 12), loaded by the generated worker with
// importScripts (vite.config.ts): `push` shows what the server pushed while the app was closed, and
// a click focuses a window of the app and sends it to the notification's page, or opens one there. Built as its own
// entry with no imports: importScripts takes a classic script.

// The worker's scope, typed with the few members used here (the project's lib is DOM, not WebWorker).
interface WorkerClient {
  url: string
  focus(): Promise<WorkerClient>
  postMessage(message: unknown): void
}
interface WorkerScope {
  registration: ServiceWorkerRegistration
  location: Location
  clients: {
    matchAll(options: { type: 'window'; includeUncontrolled: boolean }): Promise<WorkerClient[]>
    openWindow(url: string): Promise<WorkerClient | null>
  }
  addEventListener(type: 'push', listener: (event: PushLikeEvent) => void): void
  addEventListener(type: 'notificationclick', listener: (event: ClickLikeEvent) => void): void
}
interface ExtendableLikeEvent {
  waitUntil(work: Promise<unknown>): void
}
interface PushLikeEvent extends ExtendableLikeEvent {
  data: { text(): string } | null
}
interface ClickLikeEvent extends ExtendableLikeEvent {
  notification: Notification
}

interface Shown {
  title: string
  body: string
  url: string
  tag: string
}

// In a function: a classic script's top-level names would be globals of the worker, beside Workbox's.
;(() => {
  /** The push's JSON (shared/schemas/push.ts PushMessage), checked by hand: no zod in a classic script. */
  function parse(text: string): Shown | null {
    try {
      const m = JSON.parse(text) as Record<string, unknown>
      const { title, body, url, tag } = m
      if (typeof title !== 'string' || typeof tag !== 'string') return null
      return { title, body: typeof body === 'string' ? body : '', url: typeof url === 'string' && /^\/(?!\/)/.test(url) ? url : '/', tag }
    } catch {
      return null
    }
  }

  const scope = self as unknown as WorkerScope

  scope.addEventListener('push', (event) => {
    const message = event.data ? parse(event.data.text()) : null
    // A push must show something (userVisibleOnly): one we cannot read says where to look.
    const shown = message ?? { title: 'Support Inbox', body: 'You have a new notification.', url: '/', tag: 'inbox' }
    // The tag is the notification's id: if the open app already showed it from the live feed, this
    // replaces it quietly rather than showing it twice.
    event.waitUntil(
      scope.registration.showNotification(shown.title, { body: shown.body, tag: shown.tag, data: { url: shown.url }, icon: '/icons/icon-192.png' }),
    )
  })

  scope.addEventListener('notificationclick', (event) => {
    event.notification.close()
    const data = event.notification.data as { url?: unknown } | null
    const path = typeof data?.url === 'string' && /^\/(?!\/)/.test(data.url) ? data.url : '/'
    const target = new URL(path, scope.location.origin).href
    event.waitUntil(
      (async () => {
        const windows = await scope.clients.matchAll({ type: 'window', includeUncontrolled: true })
        const open = windows.find((w) => new URL(w.url).origin === scope.location.origin)
        if (!open) return void (await scope.clients.openWindow(target))
        // The app routes there itself (client/push/useNotificationClicks.ts): no reload under a
        // half-written reply.
        const focused = await open.focus()
        focused.postMessage({ type: 'notification-open', url: path })
      })(),
    )
  })
})()
