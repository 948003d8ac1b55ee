import { h, icon, ICON_CHAT, ICON_CLOSE, ICON_SEND } from './dom.ts'
import css from './styles.css?inline'

/** The server's limit (WIDGET_MAX_BODY in shared/schemas/widget.ts), not imported: that module brings
 *  zod, several times the size of the whole widget. */
const MAX_BODY = 5_000

/** The widget's elements, inside its own shadow root: the host page's CSS cannot reach them. */
export interface WidgetView {
  host: HTMLElement
  bubble: HTMLButtonElement
  badge: HTMLSpanElement
  panel: HTMLElement
  close: HTMLButtonElement
  log: HTMLElement
  empty: HTMLElement
  typing: HTMLElement
  form: HTMLFormElement
  intro: HTMLFieldSetElement
  name: HTMLInputElement
  email: HTMLInputElement
  skip: HTMLButtonElement
  error: HTMLElement
  message: HTMLTextAreaElement
  send: HTMLButtonElement
}

export function createView(): WidgetView {
  // A custom element name: page rules for div or section do not match it; the inline style resets
  // what a page rule for * might set on it.
  const host = document.createElement('support-inbox-widget')
  host.setAttribute('style', 'all: initial !important; display: block !important;')
  const root = host.attachShadow({ mode: 'open' })

  const badge = h('span', { class: 'badge', id: 'unread', hidden: true })
  const bubble = h('button', { type: 'button', class: 'bubble', 'aria-label': 'Open chat', 'aria-expanded': 'false', 'aria-controls': 'panel' }, icon(ICON_CHAT), badge)

  const close = h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Close chat' }, icon(ICON_CLOSE))
  const empty = h('p', { class: 'empty' }, 'Hello! Ask us anything: we answer right here.')
  const log = h('div', { class: 'log', role: 'log', 'aria-label': 'Messages', 'aria-live': 'polite', tabindex: '0' }, empty)
  const typing = h('p', { class: 'typing', role: 'status' })

  const name = h('input', { type: 'text', id: 'name', name: 'name', autocomplete: 'name', maxlength: '100' })
  const email = h('input', { type: 'email', id: 'email', name: 'email', autocomplete: 'email', maxlength: '254' })
  const skip = h('button', { type: 'button', class: 'link' }, 'Skip')
  const intro = h(
    'fieldset',
    { class: 'intro' },
    h('legend', {}, 'About you (optional)'),
    h('div', { class: 'fields' }, h('label', { for: 'name' }, 'Name'), name, h('label', { for: 'email' }, 'Email'), email),
    skip,
  )
  const error = h('p', { class: 'error', role: 'alert' })
  const message = h('textarea', {
    'aria-label': 'Message',
    placeholder: 'Write a message…',
    rows: '1',
    maxlength: String(MAX_BODY),
    enterkeyhint: 'send',
  })
  const send = h('button', { type: 'submit', class: 'send', 'aria-label': 'Send' }, icon(ICON_SEND))
  const form = h('form', { class: 'composer' }, intro, error, h('div', { class: 'row' }, message, send))

  const panel = h(
    'section',
    { id: 'panel', class: 'panel', role: 'dialog', 'aria-label': 'Chat', tabindex: '-1', hidden: true },
    h('header', {}, h('div', {}, h('h2', {}, 'Chat with us'), h('p', {}, 'Ask us anything. We answer here.')), close),
    log,
    typing,
    form,
  )
  const style = document.createElement('style')
  style.textContent = css
  root.append(style, h('div', { class: 'root' }, bubble, panel))
  return { host, bubble, badge, panel, close, log, empty, typing, form, intro, name, email, skip, error, message, send }
}
