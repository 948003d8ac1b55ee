import type { Message } from './schemas/entities.ts'
import { isCustomerVisible } from './schemas/entities.ts'

/**
 * DESIGN §4 rule 6: a reply written having seen messages up to `basedOnSeq` collides with every
 * customer-visible message newer than that, except the author's own replies (a second reply of
 * theirs is no news to them). The server holds a colliding reply and answers with these.
 */
export function replyCollisions(messages: readonly Message[], basedOnSeq: number, authorAgentId: string): Message[] {
  return messages
    .filter((m) => m.seq > basedOnSeq && isCustomerVisible(m.kind))
    .filter((m) => !(m.kind === 'reply' && m.authorAgentId === authorAgentId))
    .sort((a, b) => a.seq - b.seq)
}
