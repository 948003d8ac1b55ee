// Paints the inbox as this device last showed it, before the app's code has loaded (see
// client/lib/shell-snapshot.ts, which takes the snapshot): only for the agent signed in last, only at
// the address it was taken at, and inert (and hidden from assistive technology) until the app mounts
// over it. A classic script, so that it runs as soon as the parser reaches it; a file rather than
// inline, for the Content-Security-Policy.
;(function () {
  try {
    var agent = localStorage.getItem('inbox.lastAgentId')
    var raw = localStorage.getItem('inbox.shellSnapshot')
    if (!agent || !raw) return
    var snapshot = JSON.parse(raw)
    if (!snapshot || snapshot.agentId !== agent || snapshot.url !== location.pathname + location.search) return
    if (typeof snapshot.html !== 'string') return
    var app = document.getElementById('app')
    if (!app) return
    app.innerHTML = snapshot.html
    app.setAttribute('data-snapshot', '')
    app.setAttribute('inert', '')
    // A picture of the app, not the app: assistive technology waits for the real one.
    app.setAttribute('aria-hidden', 'true')
  } catch (e) {
    // No snapshot then: the app paints as it always did.
  }
})()
