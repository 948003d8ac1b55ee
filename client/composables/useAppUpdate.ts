import { useRegisterSW } from 'virtual:pwa-register/vue'

const CHECK_EVERY_MS = 60 * 60 * 1000

/** The service worker: installs the app for offline use, and offers (never forces) a new version. */
export function useAppUpdate() {
  const { needRefresh, updateServiceWorker } = useRegisterSW({
    onRegisteredSW(_url, registration) {
      if (registration) setInterval(() => void registration.update(), CHECK_EVERY_MS)
    },
  })
  return { needRefresh, reload: () => updateServiceWorker(true) }
}
