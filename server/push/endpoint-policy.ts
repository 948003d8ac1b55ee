import { isIP } from 'node:net'
import { isPrivateAddress, literalAddress } from '../webhooks/address-policy.ts'

// A push endpoint is a URL the browser got from its push service, but the server is handed it by a
// client: like a webhook URL, it must not turn the server into a way into its own network (SSRF).
// Push services are https; plain http is allowed only to a loopback address, and only when private
// targets are (WEBHOOK_ALLOW_PRIVATE=1: a test's local push service).

/** Why the endpoint is refused, or null when it may be used. The address its name resolves to is
 *  checked again when each push is sent (publicOnlyLookup). */
export function endpointProblem(endpoint: string, allowPrivate: boolean): string | null {
  const url = new URL(endpoint)
  const literal = literalAddress(url)
  if (url.protocol === 'http:') {
    const loopback = url.hostname === 'localhost' || (literal !== null && isIP(literal) !== 0 && isLoopback(literal))
    return allowPrivate && loopback ? null : 'a push endpoint must be an https URL'
  }
  if (url.protocol !== 'https:') return 'a push endpoint must be an https URL'
  if (!allowPrivate && literal !== null && isPrivateAddress(literal)) return 'a private, loopback or link-local address is not allowed'
  return null
}

const isLoopback = (address: string): boolean => address === '::1' || /^127\./.test(address) || /^::ffff:127\./.test(address)
