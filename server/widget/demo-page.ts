import type { Store } from '../store/types.ts'

/** The agent the demo workspace is created with (server/demo/seed.ts): its account's Website inbox is
 *  the one the demo page chats with when no `?key=` is given. */
const DEMO_AGENT = 'alice@example.com'

export async function demoWidgetKey(store: Store): Promise<string | null> {
  const agent = await store.directory.findAgentByEmail(DEMO_AGENT)
  if (!agent) return null
  const inboxes = await store.directory.listInboxes(agent.accountId)
  return inboxes.find((i) => i.channelType === 'live_chat' && i.settings.widgetKey)?.settings.widgetKey ?? null
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!)

export const embedSnippet = (origin: string, key: string): string =>
  `<script src="${origin}/widget.js" data-inbox-key="${key}" async></script>`

const PRODUCTS = [
  ['Sencha Morning', 'Grassy green tea from Shizuoka', '12.50'],
  ['Assam Breakfast', 'Malty black tea, strong with milk', '9.80'],
  ['Silver Needle', 'Delicate white tea buds', '24.00'],
  ['Rooibos Vanilla', 'Caffeine-free, sweet and smooth', '8.40'],
  ['Oolong Tie Guan Yin', 'Floral, rolled leaves, many infusions', '16.90'],
  ['Cast-iron teapot', '0.8 litres, keeps it hot', '48.00'],
] as const

/**
 * A fictional shop's page with the embed snippet, as a customer's site would have it. Its own styles
 * are deliberately loud (serif everything, pink buttons, huge line height): the widget must look the
 * same regardless, which its Shadow DOM guarantees.
 */
export function demoPage(origin: string, key: string | null): string {
  const snippet = key ? embedSnippet(origin, key) : null
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Northwind Tea Co. — widget demo</title>
<style>
  * { font-family: Georgia, 'Times New Roman', serif; line-height: 1.9; }
  body { margin: 0; background: #fbf7f0; color: #3b2f2a; }
  header { background: #2f4f3a; color: #fff; padding: 24px 5vw; }
  header h1 { margin: 0; font-size: 2rem; }
  main { padding: 24px 5vw 120px; max-width: 1100px; }
  .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 20px; }
  .card { background: #fff; border: 1px solid #e6dccb; border-radius: 6px; padding: 16px; }
  .card h2 { font-size: 1.2rem; margin: 0; }
  button { background: mediumvioletred; color: #fff; border: 4px dashed #000; padding: 10px 18px; font-size: 1.1rem; }
  textarea, input { border: 3px solid purple; background: #ffe; }
  pre { white-space: pre-wrap; word-break: break-all; background: #f0e9dc; padding: 12px; border-radius: 6px; }
  code { font-family: ui-monospace, monospace; }
</style>
</head>
<body>
<header><h1>Northwind Tea Co.</h1><p>Loose-leaf tea, shipped across Europe since 1998.</p></header>
<main>
  <section class="grid" aria-label="Products">
${PRODUCTS.map(([name, text, price]) => `    <article class="card"><h2>${name}</h2><p>${text}</p><p><strong>€${price}</strong></p><button type="button">Add to basket</button></article>`).join('\n')}
  </section>
  <section aria-labelledby="embed-title">
    <h2 id="embed-title">This page's live chat</h2>
    ${
      snippet
        ? `<p>The chat bubble in the corner comes from one line in this page, as on any website:</p>
    <pre><code>${escapeHtml(snippet)}</code></pre>`
        : `<p>No Website inbox to chat with: open this page as <code>/widget-demo?key=pk_…</code> with the key shown in the agent app under Settings → Channels.</p>`
    }
  </section>
</main>
${key ? `<script src="/widget.js" data-inbox-key="${escapeHtml(key)}" async></script>` : ''}
</body>
</html>
`
}
