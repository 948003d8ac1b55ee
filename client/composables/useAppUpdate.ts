import { useRegisterSW } from 'virtual:pwa-register/vue'

const CHECK_EVERY_MS = 60 * 60 * 1000

/** The service worker: installs the app for offline use, and offers (never forces) a new version. */
export function useAppUpdate() {
  const { needRefresh, updateServiceWorker } = useRegisterSW({
    onRegisteredSW(_url, registration) {
      if (registration) setInterval(() => void registration.update(), CHECK_EVERY_MS)
    },
  })
  /** Activates the waiting worker and reloads once it controls the page. workbox-window reloads only
   *  for an update it found itself, so the reload is ours: it also covers updates found by the hourly
   *  check or by the browser. */
  async function reload(): Promise<void> {
    navigator.serviceWorker?.addEventListener('controllerchange', () => window.location.reload(), { once: true })
    await updateServiceWorker(true)
  }
  return { needRefresh, reload }
}
