import { WidgetApi } from './api.ts'
import { Chat } from './chat.ts'
import { tokenStore } from './storage.ts'
import { createView } from './view.ts'

// The embed snippet: <script src="https://<inbox server>/widget.js" data-inbox-key="pk_..." async></script>
// The server is wherever this script came from; the key names the Website inbox.

declare global {
  interface Window {
    __supportInboxWidget?: boolean
  }
}

function start(script: HTMLScriptElement): void {
  const key = script.dataset.inboxKey
  if (!key || window.__supportInboxWidget) return
  // A page that includes the snippet twice gets one chat.
  window.__supportInboxWidget = true
  const view = createView()
  document.body.append(view.host)
  new Chat(new WidgetApi(new URL('./', script.src), key), tokenStore(key), view)
}

// currentScript is only set while this script first runs, so it is read now, not when the DOM is ready.
const script = (document.currentScript as HTMLScriptElement | null) ?? document.querySelector<HTMLScriptElement>('script[data-inbox-key]')
if (script) {
  if (document.body) start(script)
  else document.addEventListener('DOMContentLoaded', () => start(script), { once: true })
}
