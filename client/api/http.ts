import type { ErrorBody } from '../../shared/schemas/api.ts'

/** The server answered, and refused. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody | null,
  ) {
    super(body?.error ?? `request failed (${status})`)
  }
}

/** The server could not be reached at all: the request may be retried later as it is. */
export class NetworkError extends Error {}

let onUnauthorized: (() => void) | null = null

/** Who to tell when the server answers 401: a signed-in session has ended (the session store
 *  decides, since a 401 to a sign-in attempt only means a wrong password). */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler
}

/** JSON over fetch, with root-relative URLs so the app works at whatever host and port serves it. */
export async function api<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  let response: Response
  try {
    response = await fetch(path, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
      body: init.body === undefined ? null : JSON.stringify(init.body),
      credentials: 'same-origin',
      signal: init.signal ?? null,
    })
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error
    throw new NetworkError((error as Error).message)
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as ErrorBody | null
    if (response.status === 401) onUnauthorized?.()
    throw new ApiError(response.status, body)
  }
  return (await response.json()) as T
}

/** ws(s):// URL for a root-relative path on the serving origin. */
export const socketUrl = (path: string): string => {
  const url = new URL(path, location.href)
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
  return url.toString()
}
