import type { MessageKind, MessagePreview } from './schemas/entities.ts'

const PREVIEW_LENGTH = 140

/** The list row's one-line preview of a message: whitespace collapsed, markdown marks dropped. */
export function previewOf(kind: MessageKind, body: string, at: number, authorAgentId: string | null = null): MessagePreview {
  const text = body.replace(/[*_`#>[\]]/g, '').replace(/\s+/g, ' ').trim()
  return { kind, body: text.length > PREVIEW_LENGTH ? `${cut(text, PREVIEW_LENGTH - 1)}…` : text, at, authorAgentId }
}

/** The first `length` UTF-16 units, one fewer if that would split a surrogate pair (an emoji). */
function cut(text: string, length: number): string {
  const code = text.charCodeAt(length - 1)
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? length - 1 : length)
}
