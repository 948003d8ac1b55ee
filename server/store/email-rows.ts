import type { EmailDirection, EmailRecord } from './email.ts'
// Column shapes and row mappers shared by the SQLite and PostgreSQL stores (same columns on both).

export interface EmailColumns {
  rfc_message_id: string
  account_id: string
  sender: string
  conversation_id: string
  message_id: string | null
  direction: EmailDirection
  subject: string | null
  created_at: number
}

export const toRecord = (r: EmailColumns): EmailRecord => ({
  rfcMessageId: r.rfc_message_id,
  accountId: r.account_id,
  sender: r.sender,
  conversationId: r.conversation_id,
  messageId: r.message_id,
  direction: r.direction,
  subject: r.subject,
  createdAt: r.created_at,
})

/** A References header is bounded by what mail servers accept; no lookup needs more ids than this. */
