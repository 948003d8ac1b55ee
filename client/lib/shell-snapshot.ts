// The painted app itself, for client/public/first-paint.js: that classic script runs while the page
// is still parsing, long before the app's modules have loaded, and puts this HTML in #app so that
// the inbox the agent left is on screen at once. It is inert (looked at, not used) until the app
// mounts over it with the same rows (list-snapshot.ts). Taken only of the plain inbox at the top of
// its list: a half-open menu or a scrolled list would paint something the app does not then show.

const KEY = 'inbox.shellSnapshot'

export function captureShell(agentId: string): void {
  const app = document.getElementById('app')
  if (!app || app.hasAttribute('data-snapshot')) return
  try {
    localStorage.setItem(KEY, JSON.stringify({ agentId, url: location.pathname + location.search, html: app.innerHTML }))
  } catch {
    // A full localStorage only costs the next start its head start.
  }
}

export function forgetShell(): void {
  localStorage.removeItem(KEY)
}

/** The app has mounted over the snapshot: it is the real thing from now on. */
export function shellMounted(): void {
  const app = document.getElementById('app')
  app?.removeAttribute('data-snapshot')
  app?.removeAttribute('inert')
  app?.removeAttribute('aria-hidden')
}
