// Email threading: which RFC 5322 Message-ID is which message of which conversation, both for mail
// that came in and for mail we sent. Threading a customer's mail (In-Reply-To, References), refusing a
// second delivery of the same mail, and building our replies' thread headers all read this table.

export type EmailDirection = 'inbound' | 'outbound'

export interface EmailRecord {
  /** With its angle brackets, as in the header: `<abc@example.net>`. */
  rfcMessageId: string
  accountId: string
  conversationId: string
  /** The message it became (inbound) or was sent for (outbound). */
  messageId: string | null
  direction: EmailDirection
  /** The mail's Subject (inbound); a conversation's replies answer its first inbound subject. */
  subject: string | null
  createdAt: number
}

export interface EmailStore {
  /** false when this Message-ID is recorded already (the first record stays as it is). */
  record(record: EmailRecord): Promise<boolean>
  get(rfcMessageId: string): Promise<EmailRecord | null>
  /** The account's records among these Message-IDs (in no particular order). */
  findMany(accountId: string, rfcMessageIds: string[]): Promise<EmailRecord[]>
  /** The conversation's mails whose messages are older than `beforeSeq`, oldest first. */
  threadBefore(conversationId: string, beforeSeq: number): Promise<EmailRecord[]>
  /** The Subject of the conversation's first inbound mail that had one. */
  subjectOf(conversationId: string): Promise<string | null>
}
