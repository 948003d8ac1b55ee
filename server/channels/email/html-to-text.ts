// A customer's HTML is never shown as HTML in the app: a mail with only an HTML part is turned into
// plain text here, and the text is what is stored. Nothing of the markup survives but line breaks,
// list dashes and link targets; scripts, styles and the quoted history are dropped with their content.
//
// The markup is read by a real HTML parser (htmlparser2, through html-to-text), in one linear pass:
// the regex tokenizer this replaces rescanned the rest of the input at every unclosed "<a", so 80 KB
// of "<a<a<a…" held the event loop for 5.5 s. Every element is formatted by our own formatters below
// (html-to-text's own layout upper-cases headings and draws tables), html-to-text giving the parse,
// the walk and the whitespace rules. It is still synchronous work proportional to the input, which is
// bounded (MAX_HTML_CHARS, MAX_DEPTH); the mail channel runs it in a worker for any mail that is not
// small (mail-reader-pool.ts).
import { compile, type DomNode, type FormatCallback, type HtmlToTextOptions as LibOptions, type SelectorDefinition } from 'html-to-text'
import { tooDeepAt } from './html-depth.ts'

/** HTML past this many characters is not converted; the text says so (see htmlToText). */
export const MAX_HTML_CHARS = 4 * 1024 * 1024
/** Elements nested deeper than this end the conversion: the parser's cost grows with the depth (see
 *  html-depth.ts) and html-to-text walks the tree recursively. Real mail nests far less. */
export const MAX_DEPTH = 256

/** Elements whose content is never text for a reader. */
const DROPPED = ['script', 'style', 'head', 'title', 'template', 'noscript', 'svg', 'math', 'object', 'iframe', 'select', 'img']
/** Elements that start and end a line. */
const BLOCKS = [
  'address', 'article', 'aside', 'center', 'dd', 'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure',
  'footer', 'form', 'header', 'main', 'nav', 'section', 'table', 'tbody', 'thead', 'tfoot', 'tr',
]
/** Elements that stand apart as paragraphs (a list too, with a blank line before and after). */
const PARAGRAPHS = ['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol']
/** Wrappers mail programs put around the quoted history (Gmail, Thunderbird, Yahoo, Proton). */
const QUOTE_CLASSES = ['gmail_quote', 'gmail_attr', 'moz-cite-prefix', 'yahoo_quoted', 'protonmail_quote']
/** Outlook marks where the history starts; it is not wrapped, so everything after it goes. */
const HISTORY_IDS = ['appendonsend', 'divrplyfwdmsg', 'mail-editor-reference-message-container']

export interface HtmlToTextOptions {
  /** Keep blockquotes and the other quote wrappers (for a mail that is nothing but a quote). */
  keepQuotes?: boolean
}

/** One conversion's state: whether Outlook's history marker has been passed (all after it is dropped). */
interface Pass {
  cut: boolean
}

// html-to-text 10 hands the metadata given to a compiled converter to every formatter as
// builder.metadata; @types/html-to-text (9.x) does not know it yet.
const passOf = (builder: object): Pass => (builder as { metadata: Pass }).metadata

/** Every formatter stops at the history marker: nothing after it is written. */
const guarded =
  (format: FormatCallback): FormatCallback =>
  (elem, walk, builder, options) => {
    if (!passOf(builder).cut) format(elem, walk, builder, options)
  }

/** Children are walked one by one, so that the walk stops right at the marker, wherever it is. */
const walkUntilCut = (walk: Parameters<FormatCallback>[1], nodes: DomNode[] | undefined, builder: Parameters<FormatCallback>[2]) => {
  for (const node of nodes ?? []) {
    if (passOf(builder).cut) return
    walk([node], builder)
  }
}

const formatters: Record<string, FormatCallback> = {
  inline: guarded((elem, walk, builder) => walkUntilCut(walk, elem.children, builder)),
  block: guarded((elem, walk, builder) => {
    builder.openBlock({ leadingLineBreaks: 1 })
    walkUntilCut(walk, elem.children, builder)
    builder.closeBlock({ trailingLineBreaks: 1 })
  }),
  paragraph: guarded((elem, walk, builder) => {
    builder.openBlock({ leadingLineBreaks: 2 })
    walkUntilCut(walk, elem.children, builder)
    builder.closeBlock({ trailingLineBreaks: 2 })
  }),
  listItem: guarded((elem, walk, builder) => {
    // html-to-text gives an empty block its first child's leading breaks: the list's blank line
    // before it is asked for by its first item.
    const first = elem.parent?.children.find((node) => node.type === 'tag') === elem
    builder.openBlock({ leadingLineBreaks: first ? 2 : 1 })
    builder.addLiteral('- ')
    walkUntilCut(walk, elem.children, builder)
    builder.closeBlock({ trailingLineBreaks: 1 })
  }),
  cell: guarded((elem, walk, builder) => {
    builder.addInline(' ')
    walkUntilCut(walk, elem.children, builder)
    builder.addInline(' ')
  }),
  lineBreak: guarded((_elem, _walk, builder) => builder.addLineBreak()),
  rule: guarded((_elem, _walk, builder) => {
    builder.openBlock({ leadingLineBreaks: 1 })
    builder.closeBlock({ trailingLineBreaks: 1 })
  }),
  /** Whitespace as written, like a reader sees it. */
  preformatted: guarded((elem, walk, builder) => {
    builder.openBlock({ isPre: true, leadingLineBreaks: 1 })
    walkUntilCut(walk, elem.children, builder)
    builder.closeBlock({ trailingLineBreaks: 1 })
  }),
  anchor: guarded((elem, walk, builder) => {
    const href = safeHref(elem.attribs?.href)
    if (!href) return walkUntilCut(walk, elem.children, builder)
    let text = ''
    builder.pushWordTransform((word: string) => {
      text += word
      return word
    })
    walkUntilCut(walk, elem.children, builder)
    builder.popWordTransform()
    if (passOf(builder).cut) return
    // The link's target matters to the agent (a customer's "click here"); a bare URL is said once.
    if (text !== href.replace(/^mailto:/i, '') && text !== href) builder.addInline(` (${href})`, { noWordTransform: true })
  }),
  historyMarker: (_elem, _walk, builder) => {
    passOf(builder).cut = true
  },
  skip: () => undefined,
}

/** Only targets worth reading out: web and mail addresses (the parser has decoded entities). */
function safeHref(href: string | undefined): string | null {
  const value = href?.trim()
  return value && /^(https?:\/\/|mailto:)[^\s]+$/i.test(value) ? value : null
}

function selectors(keepQuotes: boolean): SelectorDefinition[] {
  const quote = keepQuotes ? 'block' : 'skip'
  return [
    { selector: '*', format: 'inline' },
    ...DROPPED.map((tag) => ({ selector: tag, format: 'skip' })),
    ...BLOCKS.map((tag) => ({ selector: tag, format: 'block' })),
    ...PARAGRAPHS.map((tag) => ({ selector: tag, format: 'paragraph' })),
    { selector: 'li', format: 'listItem' },
    { selector: 'td', format: 'cell' },
    { selector: 'th', format: 'cell' },
    { selector: 'br', format: 'lineBreak' },
    { selector: 'hr', format: 'rule' },
    { selector: 'pre', format: 'preformatted' },
    { selector: 'a', format: 'anchor' },
    { selector: 'blockquote', format: quote },
    ...QUOTE_CLASSES.map((name) => ({ selector: `.${name}`, format: quote })),
    // Attribute values are matched as written; Outlook spells these ids in several cases.
    ...(keepQuotes ? [] : HISTORY_IDS.map((id) => ({ selector: `[id="${id}" i]`, format: 'historyMarker' }))),
  ]
}

/** An element no mail uses, around the input: only an end tag of its own name closes it. */
const WRAPPER = 'x-support-inbox-mail'

const libOptions = (keepQuotes: boolean): LibOptions => ({
  wordwrap: false,
  formatters,
  selectors: selectors(keepQuotes),
  // The whole input, text at its top level too, is read through our formatters (see htmlToText).
  baseElements: { selectors: [WRAPPER], returnDomByDefault: true },
  // The input is bounded before (see htmlToText); this only keeps the recursion safe should the two disagree.
  limits: { maxDepth: MAX_DEPTH + 8, ellipsis: '', maxInputLength: undefined },
  // Mail programs glue words with no-break spaces and hide soft hyphens and joiners in them: the
  // stored text is for reading and searching, so they become what a reader sees.
  encodeCharacters: { '\u00a0': ' ', '\u00ad': '', '\u200c': '', '\u200d': '' },
})

type Converter = (html: string, metadata: Pass) => string
const withoutQuotes = compile(libOptions(false)) as Converter
const withQuotes = compile(libOptions(true)) as Converter

/**
 * The text of an HTML mail part. Input past MAX_HTML_CHARS, or from where it nests deeper than
 * MAX_DEPTH, is not read, and the text ends by saying so: an agent must never mistake a cut text for
 * the whole of what the customer sent.
 */
export function htmlToText(html: string, options: HtmlToTextOptions = {}): string {
  const tooLong = html.length > MAX_HTML_CHARS
  const bounded = tooLong ? html.slice(0, MAX_HTML_CHARS) : html
  const deepAt = tooDeepAt(bounded, MAX_DEPTH)
  const input = deepAt === null ? bounded : bounded.slice(0, deepAt)
  const convert = options.keepQuotes ? withQuotes : withoutQuotes
  const text = finish(convert(`<${WRAPPER}>${input}</${WRAPPER}>`, { cut: false } satisfies Pass))
  const note = deepAt !== null ? TOO_DEEP_NOTE : tooLong ? TOO_LONG_NOTE : null
  return note ? `${text}\n\n${note}`.trim() : text
}

export const TOO_LONG_NOTE = `[The rest of this HTML mail was not converted: it is longer than ${MAX_HTML_CHARS / 1024 / 1024} MB]`
export const TOO_DEEP_NOTE = `[The rest of this HTML mail was not converted: its elements are nested more than ${MAX_DEPTH} deep]`

function finish(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/^[ \t]+|[ \t]+$/g, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}
