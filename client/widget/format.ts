/**
 * Agents write markdown; the widget shows the common inline part of it (bold, italics, code, links)
 * without an HTML parser: text only ever becomes text nodes, so nothing an agent or a visitor wrote
 * can inject markup into the customer's page. Line breaks are kept by CSS (white-space: pre-wrap).
 */
const INLINE =
  /(\*\*([^*\n]+)\*\*|__([^_\n]+)__|\*([^*\s][^*\n]*)\*|\b_([^_\s][^_\n]*)_\b|`([^`\n]+)`|\[([^\]\n]+)\]\(((?:https?:\/\/|mailto:)[^\s)]+)\)|(https?:\/\/[^\s<]+))/g

export function formatMessage(text: string): DocumentFragment {
  const out = document.createDocumentFragment()
  let at = 0
  for (const m of text.matchAll(INLINE)) {
    const index = m.index ?? 0
    if (index > at) out.append(text.slice(at, index))
    at = index + m[0].length
    const [, , bold, bold2, em, em2, code, label, href, bare] = m
    if (bold !== undefined || bold2 !== undefined) out.append(element('strong', bold ?? bold2 ?? ''))
    else if (em !== undefined || em2 !== undefined) out.append(element('em', em ?? em2 ?? ''))
    else if (code !== undefined) out.append(element('code', code))
    else if (label !== undefined && href !== undefined) out.append(link(label, href))
    else if (bare !== undefined) {
      // "See https://example.com." — the full stop is the sentence's, not the address's.
      const url = bare.replace(/[.,;:!?)\]'"]+$/, '')
      out.append(link(url, url))
      at = index + url.length
    }
  }
  if (at < text.length) out.append(text.slice(at))
  return out
}

function element(tag: 'strong' | 'em' | 'code', text: string): HTMLElement {
  const el = document.createElement(tag)
  el.textContent = text
  return el
}

function link(text: string, href: string): HTMLAnchorElement {
  const a = document.createElement('a')
  a.textContent = text
  a.href = href
  a.target = '_blank'
  a.rel = 'noopener noreferrer nofollow'
  return a
}
