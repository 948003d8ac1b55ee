type Attrs = Record<string, string | boolean | undefined>
type Child = Node | string | null | undefined | false

/** A small element builder: attributes as strings (true: present, false/undefined: absent), text
 *  children as text nodes (never parsed as HTML). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [name, value] of Object.entries(attrs)) {
    if (value === true) el.setAttribute(name, '')
    else if (typeof value === 'string') el.setAttribute(name, value)
  }
  for (const child of children) if (child) el.append(child)
  return el
}

const SVG = 'http://www.w3.org/2000/svg'

/** A decorative icon from one path (hidden from assistive technology: its button has a name). */
export function icon(path: string): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg')
  svg.setAttribute('viewBox', '0 0 24 24')
  svg.setAttribute('aria-hidden', 'true')
  svg.setAttribute('focusable', 'false')
  const p = document.createElementNS(SVG, 'path')
  p.setAttribute('d', path)
  svg.append(p)
  return svg
}

export const ICON_CHAT = 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z'
export const ICON_CLOSE = 'M6 6l12 12M18 6L6 18'
export const ICON_SEND = 'M3 20l18-8L3 4v6l12 2-12 2z'
