import { htmlToText } from './html-to-text.ts'
import { trimQuotedText } from './quoted-text.ts'

/** Longer text is cut in the message (the feed carries every message to every device); the whole
 *  text is then kept as an attachment. */
export const MAX_BODY_CHARS = 100_000

export interface IncomingBody {
  body: string
  /** The whole text, when the body had to be cut. */
  fullText: string | null
}

/**
 * What a customer wrote, as plain text: the text part when there is one (mail programs send it beside
 * the HTML), else the HTML part converted to text; the quoted history trimmed either way.
 */
export function incomingBody(mail: { text?: string | undefined; html?: string | false | undefined }): IncomingBody {
  const text = mail.text?.trim() ? trimQuotedText(mail.text) : ''
  const html = !text && mail.html ? htmlToText(mail.html) || htmlToText(mail.html, { keepQuotes: true }) : ''
  const body = withoutControls(text || (html ? trimQuotedText(html) : ''))
  if (body.length <= MAX_BODY_CHARS) return { body, fullText: null }
  return {
    body: `${body.slice(0, MAX_BODY_CHARS)}\n\n[The message is longer: the whole text is attached as message.txt]`,
    fullText: body,
  }
}

/** Control characters other than tabs and line breaks have no business in a message. */
const withoutControls = (text: string): string => text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
