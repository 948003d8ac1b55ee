import { createHmac, randomBytes } from 'node:crypto'

// How receivers know a delivery is ours and fresh (README, "Webhooks"): the signature covers the
// timestamp and the exact bytes of the body, so neither can be changed or replayed later unnoticed.

/** 32 random bytes; the HMAC key is this whole string (prefix included) as UTF-8. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` */
export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex')
  return `t=${unixSeconds},v1=${mac}`
}
