/**
 * The visitor's token, kept in the host page's localStorage (one per inbox key), so the visitor is
 * known again after a reload. Storage may be unavailable (a sandboxed frame, blocked cookies): then the
 * token lives as long as the page.
 */
export interface TokenStore {
  get(): string | null
  set(token: string): void
  clear(): void
}

export function tokenStore(inboxKey: string): TokenStore {
  const name = `support-inbox-widget:${inboxKey}`
  let memory: string | null = null
  const storage = (): Storage | null => {
    try {
      return window.localStorage
    } catch {
      return null
    }
  }
  return {
    get() {
      try {
        return storage()?.getItem(name) ?? memory
      } catch {
        return memory
      }
    },
    set(token) {
      memory = token
      try {
        storage()?.setItem(name, token)
      } catch {
        // Full or blocked: the in-memory copy serves this page.
      }
    },
    clear() {
      memory = null
      try {
        storage()?.removeItem(name)
      } catch {
        // Nothing to do.
      }
    },
  }
}
