// The quoted history under a customer's answer is the thread the app already shows; keeping it would
// repeat every earlier message inside each new one. Pure: text in, text out.

/** "On <date>, <name> wrote:" as mail programs write it above the quote, in our customers' languages. */
const ATTRIBUTIONS = [
  /^On\b.{0,300}\bwrote:$/, // Gmail, Apple Mail, Thunderbird
  /^Am\b.{0,300}\bschrieb.{0,200}:$/, // de
  /^Le\b.{0,300}\ba écrit ?:$/, // fr
  /^El\b.{0,300}\bescribió:$/, // es
  /^Il\b.{0,300}\bha scritto:$/, // it
  /^Op\b.{0,300}\bschreef.{0,200}:$/, // nl
]

/** Gmail wraps a long attribution; it never takes more lines than this. */
const ATTRIBUTION_LINES = 3

const isQuoted = (line: string): boolean => /^\s*>/.test(line)
const isBlank = (line: string): boolean => line.trim() === ''

/**
 * The customer's own words: the attribution line and `>` quoted lines removed (answers written between
 * quoted lines stay), and everything from an Outlook-style unmarked history on. If nothing would be
 * left (a mail that is only a quote), the text is kept whole: a message is never emptied.
 */
export function trimQuotedText(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n')
  const end = historyStart(lines)
  const kept: string[] = []
  for (let i = 0; i < end; i++) {
    const attribution = attributionAt(lines, i, end)
    if (attribution > 0) {
      i += attribution - 1
      continue
    }
    if (!isQuoted(lines[i]!)) kept.push(lines[i]!)
  }
  return tidy(kept) || tidy(lines)
}

/** How many lines from `i` form an attribution that introduces a quote (or ends the text), or 0. */
function attributionAt(lines: string[], i: number, end: number): number {
  if (isQuoted(lines[i]!) || isBlank(lines[i]!)) return 0
  for (let n = 1; n <= ATTRIBUTION_LINES && i + n <= end; n++) {
    const joined = lines.slice(i, i + n).map((l) => l.trim()).join(' ')
    if (!ATTRIBUTIONS.some((pattern) => pattern.test(joined))) continue
    let next = i + n
    while (next < end && isBlank(lines[next]!)) next++
    // A sentence that happens to end in "wrote:" is not an attribution unless a quote follows.
    if (next >= end || isQuoted(lines[next]!)) return n
  }
  return 0
}

/** Where an unmarked quoted history starts (Outlook and friends quote without `>`), or the end. */
function historyStart(lines: string[]): number {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim()
    if (/^-{2,}\s*Original Message\s*-{2,}$/i.test(line)) return i
    if (/^_{10,}$/.test(line) && /^From:\s/i.test(nextNonBlank(lines, i + 1))) return i
    if (/^From:\s.+/i.test(line) && isHeaderBlock(lines.slice(i + 1, i + 6))) return i
  }
  return lines.length
}

/** Outlook's "From: / Sent: / To: / Subject:" block, which a customer's own text rarely imitates. */
const isHeaderBlock = (next: string[]): boolean =>
  next.some((l) => /^(Sent|Date):\s/i.test(l.trim())) && next.some((l) => /^(To|Subject):\s/i.test(l.trim()))

function nextNonBlank(lines: string[], from: number): string {
  for (let i = from; i < lines.length; i++) if (!isBlank(lines[i]!)) return lines[i]!.trim()
  return ''
}

/** Trailing spaces off, at most one blank line in a row, no blank lines at either end. */
function tidy(lines: string[]): string {
  return lines
    .map((l) => l.replace(/\s+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}
