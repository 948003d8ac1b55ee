// A customer's HTML is never shown as HTML in the app: a mail with only an HTML part is turned into
// plain text here, and the text is what is stored. Nothing of the markup survives but line breaks,
// list dashes and link targets; scripts, styles and the quoted history are dropped with their content.
// Pure, and tolerant of broken markup (an unclosed element swallows the rest, nothing more).

/** Elements whose content is never text for a reader. */
const DROPPED = new Set(['script', 'style', 'head', 'title', 'template', 'noscript', 'svg', 'math', 'object', 'iframe', 'select'])
/** Elements that start and end a line. */
const BLOCKS = new Set([
  'address', 'article', 'aside', 'blockquote', 'center', 'dd', 'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure',
  'footer', 'form', 'header', 'hr', 'main', 'nav', 'ol', 'pre', 'section', 'table', 'tbody', 'thead', 'tfoot', 'tr', 'ul',
])
/** Elements that stand apart as paragraphs. */
const PARAGRAPHS = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6'])
/** Elements that never have content or an end tag. */
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr'])

/** Wrappers mail programs put around the quoted history (Gmail, Thunderbird, Yahoo, Proton). */
const QUOTE_CLASSES = /(^|\s)(gmail_quote|gmail_attr|moz-cite-prefix|yahoo_quoted|protonmail_quote)(\s|$)/
/** Outlook marks where the history starts; it is not wrapped, so everything after it goes. */
const HISTORY_IDS = new Set(['appendonsend', 'divrplyfwdmsg', 'mail-editor-reference-message-container'])

const TOKEN = /<!--[\s\S]*?(?:-->|$)|<!\[CDATA\[[\s\S]*?(?:\]\]>|$)|<[!?][^>]*>?|<(\/?)([a-zA-Z][\w:-]*)((?:"[^"]*"|'[^']*'|[^'">])*)>/y

export interface HtmlToTextOptions {
  /** Keep blockquotes and the other quote wrappers (for a mail that is nothing but a quote). */
  keepQuotes?: boolean
}

export function htmlToText(html: string, options: HtmlToTextOptions = {}): string {
  const out: string[] = []
  /** The element whose subtree is being dropped, and how deep in same-named elements we are. */
  let skipping: { tag: string; depth: number } | null = null
  const links: { href: string | null; at: number }[] = []
  let i = 0
  while (i < html.length) {
    const lt = html.indexOf('<', i)
    if (lt !== i) {
      const end = lt === -1 ? html.length : lt
      if (!skipping) out.push(collapse(decodeEntities(html.slice(i, end))))
      i = end
      continue
    }
    TOKEN.lastIndex = i
    const match = TOKEN.exec(html)
    if (!match) {
      // A "<" that starts no tag ("a < b") is text.
      if (!skipping) out.push('<')
      i += 1
      continue
    }
    i = TOKEN.lastIndex
    const [, closing, rawTag, attributes = ''] = match
    if (!rawTag) continue // comment, doctype, processing instruction, CDATA
    const tag = rawTag.toLowerCase()
    if (skipping) {
      if (tag === skipping.tag && !VOID.has(tag)) skipping.depth += closing ? -1 : 1
      if (skipping.depth === 0) skipping = null
      continue
    }
    if (closing) {
      closeElement(tag, out, links)
      continue
    }
    const id = attribute(attributes, 'id')?.toLowerCase()
    if (!options.keepQuotes && id && HISTORY_IDS.has(id)) break
    const quote = tag === 'blockquote' || QUOTE_CLASSES.test(attribute(attributes, 'class') ?? '')
    if (DROPPED.has(tag) || (quote && !options.keepQuotes)) {
      if (!VOID.has(tag) && !/\/\s*$/.test(attributes)) skipping = { tag, depth: 1 }
      continue
    }
    openElement(tag, attributes, out, links)
  }
  return finish(out.join(''))
}

function openElement(tag: string, attributes: string, out: string[], links: { href: string | null; at: number }[]): void {
  if (tag === 'br') out.push('\n')
  else if (tag === 'li') out.push('\n- ')
  else if (PARAGRAPHS.has(tag)) out.push('\n\n')
  else if (BLOCKS.has(tag)) out.push('\n')
  else if (tag === 'td' || tag === 'th') out.push(' ')
  else if (tag === 'a') links.push({ href: safeHref(attribute(attributes, 'href')), at: out.length })
}

function closeElement(tag: string, out: string[], links: { href: string | null; at: number }[]): void {
  if (PARAGRAPHS.has(tag)) out.push('\n\n')
  else if (BLOCKS.has(tag)) out.push('\n')
  else if (tag === 'a') {
    const link = links.pop()
    if (!link?.href) return
    const text = out.slice(link.at).join('').trim()
    const target = link.href.replace(/^mailto:/i, '')
    // The link's target matters to the agent (a customer's "click here"); a bare URL is said once.
    if (text !== target && text !== link.href) out.push(` (${link.href})`)
  }
}

/** Only targets worth reading out: web and mail addresses. */
function safeHref(href: string | null): string | null {
  const value = href === null ? null : decodeEntities(href).trim()
  return value && /^(https?:\/\/|mailto:)[^\s]+$/i.test(value) ? value : null
}

function attribute(attributes: string, name: string): string | null {
  const match = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'>]+))`, 'i').exec(attributes)
  return match ? (match[1] ?? match[2] ?? match[3] ?? '') : null
}

/** HTML whitespace is one space wherever it is; lines come from the elements, not the source. */
const collapse = (text: string): string => text.replace(/[ \t\n\r\f]+/g, ' ')

function finish(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/^ +| +$/g, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', shy: '', zwnj: '', zwj: '',
  copy: '©', reg: '®', trade: '™', hellip: '…', mdash: '—', ndash: '–', lsquo: '‘', rsquo: '’', ldquo: '“',
  rdquo: '”', laquo: '«', raquo: '»', bull: '•', middot: '·', euro: '€', pound: '£', yen: '¥', cent: '¢',
  sect: '§', deg: '°', times: '×', divide: '÷', auml: 'ä', ouml: 'ö', uuml: 'ü', Auml: 'Ä', Ouml: 'Ö',
  Uuml: 'Ü', szlig: 'ß', eacute: 'é', egrave: 'è', agrave: 'à', ccedil: 'ç', ntilde: 'ñ',
}

export function decodeEntities(text: string): string {
  return text.replace(/&(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});?/g, (whole, name: string) => {
    if (name[0] !== '#') return NAMED[name] ?? whole
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10)
    const valid = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)
    return valid ? String.fromCodePoint(code) : '\ufffd'
  })
}
