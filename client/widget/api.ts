import type { WidgetHistory, WidgetMessage, WidgetSession, WidgetSessionRequest } from '../../shared/schemas/widget.ts'

export class WidgetApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

/** The server's widget endpoints, reached from the customer's page (CORS, no cookies). */
export class WidgetApi {
  constructor(
    /** Where widget.js came from: the inbox server. */
    private readonly base: URL,
    readonly key: string,
  ) {}

  session(input: Omit<WidgetSessionRequest, 'key'>): Promise<WidgetSession> {
    return this.call<WidgetSession>('POST', 'api/widget/session', null, { key: this.key, ...input })
  }

  async history(token: string): Promise<WidgetMessage[]> {
    return (await this.call<WidgetHistory>('GET', 'api/widget/messages', token)).messages
  }

  async send(token: string, id: string, body: string): Promise<WidgetMessage> {
    return (await this.call<{ message: WidgetMessage }>('POST', 'api/widget/messages', token, { id, body })).message
  }

  /** A file of a message, fetched with the token in a header (never in a URL, where logs and
   *  Referer headers would keep it); shown from a blob: URL. */
  async file(token: string, conversationId: string, id: string): Promise<Blob> {
    const response = await fetch(new URL(`api/widget/conversations/${conversationId}/attachments/${id}`, this.base).href, {
      headers: { authorization: `Bearer ${token}` },
      credentials: 'omit',
      mode: 'cors',
    })
    if (!response.ok) throw new WidgetApiError(response.status, `HTTP ${response.status}`)
    return response.blob()
  }

  /** The live socket's address; the token goes in its first frame. */
  liveUrl(): string {
    const url = new URL('api/widget/live', this.base)
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
    return url.href
  }

  private async call<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {}
    if (body !== undefined) headers['content-type'] = 'application/json'
    if (token) headers.authorization = `Bearer ${token}`
    const response = await fetch(new URL(path, this.base).href, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      mode: 'cors',
    })
    if (!response.ok) {
      const detail = (await response.json().catch(() => null)) as { error?: string } | null
      throw new WidgetApiError(response.status, detail?.error ?? `HTTP ${response.status}`)
    }
    return (await response.json()) as T
  }
}
