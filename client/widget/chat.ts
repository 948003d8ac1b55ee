import type { WidgetLivePush } from '../../shared/schemas/widget.ts'
import { uuid } from '../lib/uuid.ts'
import { type WidgetApi, WidgetApiError } from './api.ts'
import { LiveConnection } from './live.ts'
import { renderMessage, type Shown } from './message-view.ts'
import type { TokenStore } from './storage.ts'
import type { WidgetView } from './view.ts'

/**
 * The chat's behaviour: who the visitor is (a token from the server, kept by the page), the messages
 * shown (the server's, plus the visitor's own still being sent), the live socket, and the panel.
 * A visitor who never writes costs the server nothing: no token, no request, no socket.
 */
export class Chat {
  private token: string | null
  private live: LiveConnection | null = null
  /** blob: URLs of files shown, by attachment id: fetched once, released with the identity. */
  private readonly files = new Map<string, Promise<string>>()
  private readonly shown = new Map<string, { item: Shown; el: HTMLElement }>()
  private readonly typing = new Map<string, string[]>()
  private unread = 0
  private sending = false

  constructor(
    private readonly api: WidgetApi,
    private readonly tokens: TokenStore,
    private readonly view: WidgetView,
  ) {
    this.token = tokens.get()
    this.bind()
    this.showIntro()
    if (this.token) void this.resume(this.token)
  }

  private bind(): void {
    const v = this.view
    v.bubble.addEventListener('click', () => this.open())
    v.close.addEventListener('click', () => this.close())
    v.panel.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.close()
    })
    v.skip.addEventListener('click', () => {
      // Cleared too: a half-typed email left in a hidden field would still block the form's submit.
      v.name.value = ''
      v.email.value = ''
      v.intro.hidden = true
      v.message.focus()
    })
    v.form.addEventListener('submit', (e) => {
      e.preventDefault()
      void this.submit()
    })
    v.message.addEventListener('keydown', (e) => {
      // Enter sends, Shift+Enter is a new line; not while an input method is composing a character.
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault()
        v.form.requestSubmit()
      }
    })
    v.message.addEventListener('input', () => this.fit())
  }

  open(): void {
    const v = this.view
    v.panel.hidden = false
    v.bubble.hidden = true
    v.bubble.setAttribute('aria-expanded', 'true')
    this.unread = 0
    this.showUnread()
    this.scrollToEnd()
    // With a keyboard, straight to the message box; on a touch screen the dialog itself, so that the
    // on-screen keyboard does not cover the conversation before the visitor has read it.
    if (matchMedia('(pointer: coarse)').matches) v.panel.focus()
    else v.message.focus()
  }

  close(): void {
    const v = this.view
    v.panel.hidden = true
    v.bubble.hidden = false
    v.bubble.setAttribute('aria-expanded', 'false')
    v.bubble.focus()
  }

  private get isOpen(): boolean {
    return !this.view.panel.hidden
  }

  /** A returning visitor: refresh the token, show the history, listen. */
  private async resume(token: string): Promise<void> {
    try {
      const session = await this.api.session({ token })
      this.adopt(session.token)
    } catch (error) {
      // Forged, expired, or its inbox is gone: start over as a new visitor.
      if (error instanceof WidgetApiError && (error.status === 401 || error.status === 404)) return this.forget()
      // Offline or the server is away: the token is still good; the socket retries.
    }
    this.listen()
    void this.refresh()
  }

  private adopt(token: string): void {
    this.token = token
    this.tokens.set(token)
  }

  private forget(): void {
    this.token = null
    this.tokens.clear()
    this.live?.close()
    this.live = null
    for (const url of this.files.values()) void url.then(URL.revokeObjectURL, () => undefined)
    this.files.clear()
    // What was shown belonged to the identity just dropped.
    for (const { el } of this.shown.values()) el.remove()
    this.shown.clear()
    this.view.empty.hidden = false
    this.typing.clear()
    this.showTyping()
    this.showIntro()
  }

  private listen(): void {
    if (this.live || !this.token) return
    this.live = new LiveConnection(this.api.liveUrl(), () => this.token, {
      onOpen: () => void this.refresh(),
      // Revoked or expired: the history call says which (401 starts over); otherwise listen again.
      onRejected: () => {
        this.live = null
        void this.refresh().then(() => this.listen())
      },
      onPush: (push) => this.onPush(push),
      onClose: () => {
        // Nobody can be shown typing on a link that is down; the server says again on reconnect.
        this.typing.clear()
        this.showTyping()
      },
    })
  }

  /** Catches up on everything (after a reload, or a reconnect that may have missed pushes). */
  private async refresh(): Promise<void> {
    if (!this.token) return
    try {
      for (const m of await this.api.history(this.token)) this.put({ ...m, state: 'sent' }, false)
    } catch (error) {
      if (error instanceof WidgetApiError && error.status === 401) this.forget()
    }
  }

  private onPush(push: WidgetLivePush): void {
    if (push.type === 'message') {
      const isNew = !this.shown.has(push.message.id)
      this.put({ ...push.message, state: 'sent' }, false)
      if (isNew && push.message.kind === 'reply' && !this.isOpen) {
        this.unread += 1
        this.showUnread()
      }
    } else if (push.type === 'typing') {
      this.typing.set(push.conversationId, push.agents)
      this.showTyping()
    }
  }

  private async submit(): Promise<void> {
    const v = this.view
    const body = v.message.value.trim()
    if (!body || this.sending) return
    this.sending = true
    v.error.textContent = ''
    try {
      if (!this.token) {
        const name = v.intro.hidden ? '' : v.name.value.trim()
        const email = v.intro.hidden ? '' : v.email.value.trim()
        const session = await this.api.session({ ...(name ? { name } : {}), ...(email ? { email } : {}) })
        this.adopt(session.token)
        this.listen()
      }
    } catch (error) {
      v.error.textContent =
        error instanceof WidgetApiError && error.status === 400
          ? 'Please check the email address.'
          : 'The chat could not start. Check your connection and try again.'
      return
    } finally {
      this.sending = false
    }
    v.intro.hidden = true
    v.message.value = ''
    this.fit()
    const id = uuid()
    this.put({ id, kind: 'incoming', body, createdAt: Date.now(), author: null, attachments: [], conversationId: '', state: 'sending' }, true)
    await this.deliver(id, body)
  }

  /** Sends (or resends) one message; its id makes a resend after a lost answer harmless. */
  private async deliver(id: string, body: string): Promise<void> {
    const token = this.token
    if (!token) return
    try {
      const message = await this.api.send(token, id, body)
      this.put({ ...message, state: 'sent' }, true)
    } catch (error) {
      const item = this.shown.get(id)?.item
      if (item && item.state !== 'sent') this.put({ ...item, state: 'failed' }, false)
      if (error instanceof WidgetApiError && error.status === 429) this.view.error.textContent = 'You are writing very fast: wait a moment, then retry.'
    }
  }

  /** Shows a message or updates its line, in time order. */
  private put(item: Shown, own: boolean): void {
    const log = this.view.log
    const existing = this.shown.get(item.id)
    // Stored messages never change, and a sent one never goes back to "sending".
    if (existing?.item.state === 'sent') return
    const stick = own || log.scrollHeight - log.scrollTop - log.clientHeight < 60
    const el = renderMessage(item, {
      fileUrl: (m, fileId) => this.fileUrl(m.conversationId, fileId),
      retry: () => {
        this.put({ ...item, state: 'sending' }, false)
        void this.deliver(item.id, item.body)
      },
    })
    existing?.el.remove()
    this.shown.set(item.id, { item, el })
    const after = [...this.shown.values()].find(
      (s) => s.el !== el && s.el.isConnected && (s.item.createdAt > item.createdAt || (s.item.createdAt === item.createdAt && s.item.id > item.id)),
    )
    log.insertBefore(el, after?.el ?? null)
    this.view.empty.hidden = true
    this.view.intro.hidden = this.view.intro.hidden || this.token !== null
    if (stick) this.scrollToEnd()
  }

  private fileUrl(conversationId: string, id: string): Promise<string> {
    const token = this.token
    if (!token) return Promise.reject(new Error('no visitor'))
    let url = this.files.get(id)
    if (!url) {
      url = this.api.file(token, conversationId, id).then((blob) => URL.createObjectURL(blob))
      // A failure is not remembered: the next render tries again.
      url.catch(() => this.files.delete(id))
      this.files.set(id, url)
    }
    return url
  }

  private showIntro(): void {
    this.view.intro.hidden = this.token !== null || this.shown.size > 0
  }

  private showTyping(): void {
    const names = [...new Set([...this.typing.values()].flat())]
    this.view.typing.textContent =
      names.length === 0 ? '' : names.length === 1 ? `${names[0]} is typing…` : `${names.slice(0, -1).join(', ')} and ${names.at(-1)} are typing…`
  }

  private showUnread(): void {
    const b = this.view.badge
    b.hidden = this.unread === 0
    b.textContent = String(this.unread)
    if (this.unread > 0) this.view.bubble.setAttribute('aria-describedby', 'unread')
    else this.view.bubble.removeAttribute('aria-describedby')
    b.setAttribute('aria-label', `${this.unread} new ${this.unread === 1 ? 'reply' : 'replies'}`)
  }

  private scrollToEnd(): void {
    const log = this.view.log
    log.scrollTop = log.scrollHeight
  }

  /** The message box grows with its text, up to its CSS max-height. */
  private fit(): void {
    const t = this.view.message
    t.style.height = 'auto'
    t.style.height = `${t.scrollHeight + 2}px`
  }
}
