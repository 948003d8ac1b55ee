import http from 'node:http'
import https from 'node:https'
import { REFUSED_PRIVATE, isPrivateAddress, literalAddress, publicOnlyLookup } from './address-policy.ts'

export type PostOutcome =
  | { ok: true; status: number }
  /** `final`: trying again will not help (the target is refused by policy). */
  | { ok: false; status: number | null; error: string; final: boolean }

export interface PostOptions {
  timeoutMs: number
  /** WEBHOOK_ALLOW_PRIVATE: private targets are allowed. */
  allowPrivate: boolean
}

/**
 * One POST of a webhook body. Not fetch: the target's address must be checked where the socket is
 * made (a `lookup` that refuses private answers), which global fetch offers no way to do without a
 * separate undici dependency. No pooled connections: each attempt connects to the address it checked.
 * A redirect is not followed: the signed body goes only to the URL the account chose.
 */
export function postJson(target: string, headers: Record<string, string>, body: string | Uint8Array, options: PostOptions): Promise<PostOutcome> {
  const url = new URL(target)
  const literal = literalAddress(url)
  // A literal address never goes through lookup: it is judged here, before any connection.
  if (!options.allowPrivate && literal !== null && isPrivateAddress(literal))
    return Promise.resolve({ ok: false, status: null, error: REFUSED_PRIVATE, final: true })
  return new Promise((resolve) => {
    let timedOut = false
    const request = (url.protocol === 'https:' ? https : http).request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        agent: false,
        ...(options.allowPrivate ? {} : { lookup: publicOnlyLookup }),
      },
      (response) => {
        clearTimeout(timer)
        // The answer's body is not wanted.
        response.destroy()
        const status = response.statusCode ?? 0
        if (status >= 200 && status < 300) return resolve({ ok: true, status })
        const redirect = status >= 300 && status < 400 ? ' (redirects are not followed)' : ''
        resolve({ ok: false, status, error: `HTTP ${status}${redirect}`, final: false })
      },
    )
    const timer = setTimeout(() => {
      timedOut = true
      request.destroy()
    }, options.timeoutMs)
    request.on('error', (error: Error & { code?: string }) => {
      clearTimeout(timer)
      if (timedOut) return resolve({ ok: false, status: null, error: `no answer within ${options.timeoutMs / 1000} s`, final: false })
      if (error.message === REFUSED_PRIVATE) return resolve({ ok: false, status: null, error: REFUSED_PRIVATE, final: true })
      resolve({ ok: false, status: null, error: error.code ? `request failed: ${error.code}` : error.message, final: false })
    })
    request.end(body)
  })
}
