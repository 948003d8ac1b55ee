/**
 * Marks each `@Name` of the mentioned agents in a rendered (already sanitised) note: the text nodes
 * are split and the mention wrapped in <mark class="mention">, so no name is ever parsed as HTML.
 */
export function highlightMentions(html: string, names: readonly string[]): string {
  const wanted = [...new Set(names.filter(Boolean))].sort((a, b) => b.length - a.length).map((n) => `@${n}`)
  if (wanted.length === 0) return html
  const root = document.createElement('template')
  root.innerHTML = html
  const walker = document.createTreeWalker(root.content, NodeFilter.SHOW_TEXT)
  const texts: Text[] = []
  for (let node = walker.nextNode(); node; node = walker.nextNode()) texts.push(node as Text)
  for (const node of texts) {
    let rest: Text = node
    for (;;) {
      const value = rest.data
      let best: { at: number; token: string } | null = null
      for (const token of wanted) {
        const at = value.indexOf(token)
        if (at >= 0 && (best === null || at < best.at)) best = { at, token }
      }
      if (!best) break
      const match = rest.splitText(best.at)
      rest = match.splitText(best.token.length)
      const mark = document.createElement('mark')
      mark.className = 'mention'
      match.replaceWith(mark)
      mark.append(match)
    }
  }
  return root.innerHTML
}
