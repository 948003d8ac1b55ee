import type { MessageKind, MessagePreview } from './schemas/entities.ts'

const PREVIEW_LENGTH = 140

/** The list row's one-line preview of a message: whitespace collapsed, markdown marks dropped. */
export function previewOf(kind: MessageKind, body: string, at: number): MessagePreview {
  const text = body.replace(/[*_`#>[\]]/g, '').replace(/\s+/g, ' ').trim()
  return { kind, body: text.length > PREVIEW_LENGTH ? `${text.slice(0, PREVIEW_LENGTH - 1)}…` : text, at }
}
