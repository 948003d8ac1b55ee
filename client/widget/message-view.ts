import type { WidgetMessage } from '../../shared/schemas/widget.ts'
import { h } from './dom.ts'
import { formatMessage } from './format.ts'

/** A message as the log shows it: the server's, or the visitor's own on its way. */
export type Shown = WidgetMessage & { state: 'sending' | 'failed' | 'sent' }

export interface MessageActions {
  /** A blob: URL of the file (fetched with the visitor's token in a header). */
  fileUrl(message: WidgetMessage, attachmentId: string): Promise<string>
  retry(): void
}

/** Images a browser shows safely as <img>; anything else is a download link. */
const IMAGE = /^image\/(png|jpeg|gif|webp|avif)$/

const time = (at: number): string => new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })

function sizeOf(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

export function renderMessage(m: Shown, actions: MessageActions): HTMLElement {
  const own = m.kind === 'incoming'
  const text = h('div', { class: 'text' })
  text.append(formatMessage(m.body))
  const files = m.attachments.map((a) => {
    if (IMAGE.test(a.contentType)) {
      const img = h('img', { alt: a.name })
      const link = h('a', { target: '_blank', rel: 'noopener' }, img)
      void actions.fileUrl(m, a.id).then(
        (url) => {
          img.src = url
          link.href = url
        },
        () => link.replaceWith(`${a.name} (not available)`),
      )
      return link
    }
    // Fetched when asked for: a file may be large, and most are never opened.
    const link = h('a', { href: '#', download: a.name }, `${a.name} (${sizeOf(a.size)})`)
    link.addEventListener('click', (event) => {
      if (link.getAttribute('href') !== '#') return
      event.preventDefault()
      void actions.fileUrl(m, a.id).then(
        (url) => {
          link.href = url
          link.click()
        },
        () => link.replaceWith(`${a.name} (not available)`),
      )
    })
    return link
  })
  const meta = h('span', { class: 'meta' })
  if (m.state === 'sending') meta.append('Sending…')
  else if (m.state === 'failed') meta.append('Not sent. ', h('button', { type: 'button', class: 'retry' }, 'Retry'))
  else meta.append(time(m.createdAt))
  meta.querySelector('button')?.addEventListener('click', () => actions.retry())
  return h(
    'div',
    { class: `msg ${own ? 'out' : 'in'}${m.state === 'failed' ? ' failed' : ''}`, 'data-id': m.id },
    own ? h('span', { class: 'sr' }, 'You:') : h('span', { class: 'who' }, m.author ?? 'Support'),
    m.body ? text : null,
    files.length > 0 ? h('div', { class: 'files' }, ...files) : null,
    meta,
  )
}
