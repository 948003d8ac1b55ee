// Message-IDs, thread headers and subjects: the pure rules of email threading.

/** The ids in an In-Reply-To or References header (or mailparser's array of them), in order. */
export function messageIdsIn(value: string | string[] | undefined): string[] {
  const text = Array.isArray(value) ? value.join(' ') : (value ?? '')
  const bracketed = text.match(/<[^<>\s]{1,900}>/g)
  if (bracketed) return bracketed
  // Some programs drop the brackets; the ids are then separated by whitespace.
  return text.split(/\s+/).filter((id) => /^[^<>\s]{1,900}@[^<>\s]+$/.test(id)).map((id) => `<${id}>`)
}

/** A mail's own Message-ID, bracketed, or null when it has none worth trusting. */
export const ownMessageId = (value: string | undefined): string | null => messageIdsIn(value)[0] ?? null

/**
 * The Message-ID of our mail for a reply: derived from the message's id alone, so every attempt to
 * send the same reply carries the same id (receivers drop a second copy), and the customer's answer
 * to it finds the conversation.
 */
export const outboundMessageId = (messageId: string, inboxAddress: string): string => `<msg-${messageId}@${domainOf(inboxAddress)}>`

export const domainOf = (address: string): string => address.slice(address.lastIndexOf('@') + 1).toLowerCase() || 'localhost'

/** RFC 5322 asks for the whole chain; mail servers limit header size, so a long thread keeps its
 *  first mail and the most recent ones. */
const MAX_REFERENCES = 20

export function referencesFor(chain: string[]): string[] {
  if (chain.length <= MAX_REFERENCES) return chain
  return [chain[0]!, ...chain.slice(chain.length - (MAX_REFERENCES - 1))]
}

/** "Re: <the first mail's subject>", once, whatever prefixes the customer's program added. */
export function replySubject(subject: string | null, conversationNumber: number): string {
  const base = (subject ?? '')
    .replace(/[\r\n]+/g, ' ')
    .replace(/^(\s*(re|aw|sv|antw|fwd?|wg|tr)\s*(\[\d+\])?\s*:\s*)+/i, '')
    .trim()
  return base ? `Re: ${base}` : `Your conversation #${conversationNumber}`
}
