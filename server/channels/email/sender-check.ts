// Our SMTP front end takes mail without authentication (it sits behind the team's mail server or
// relay), so a From header is only a claim. We cannot prove it (no DKIM or SPF here), but two signs
// say it is doubtful and the agent should know before trusting the mail: a From domain that is not
// the envelope sender's (SMTP MAIL FROM), and a relay in front of us that ran DMARC and saw it fail.

import { domainOf } from './message-ids.ts'

/** DMARC's relaxed alignment, without a public-suffix list: the same domain, or one inside the other. */
function aligned(a: string, b: string): boolean {
  return a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`)
}

/** A relay's Authentication-Results naming a DMARC failure ("dmarc=fail", any case, any spacing). */
const DMARC_FAIL = /(?:^|[\s;])dmarc\s*=\s*fail\b/i

/** Whether a mail's From address is believable; false is shown to agents as "Sender not verified". */
export function senderVerified(fromAddress: string, envelopeFrom: string | null, authenticationResults: string[]): boolean {
  if (authenticationResults.some((header) => DMARC_FAIL.test(header))) return false
  // A null reverse path (a bounce) names no domain to agree with.
  if (!envelopeFrom?.includes('@') || !fromAddress.includes('@')) return false
  return aligned(domainOf(fromAddress), domainOf(envelopeFrom))
}
