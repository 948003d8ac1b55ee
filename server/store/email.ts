// Email threading: which RFC 5322 Message-ID is which message of which conversation, both for mail
// that came in and for mail we sent. Threading a customer's mail (In-Reply-To, References), refusing a
// second delivery of the same mail, and building our replies' thread headers all read this table.
// A mail is known by its account, its sender and its Message-ID together: anyone can write any
// Message-ID, so a copy from someone else (a spoofed first copy) must never hide the real mail.

export type EmailDirection = 'inbound' | 'outbound'

export interface EmailRecord {
  /** With its angle brackets, as in the header: `<abc@example.net>`. */
  rfcMessageId: string
  accountId: string
  /** Who sent it, in lower case: the From address of a mail we received, the inbox's address of ours. */
  sender: string
  conversationId: string
  /** The message it became (inbound) or was sent for (outbound). */
  messageId: string | null
  direction: EmailDirection
  /** The mail's Subject (inbound); a conversation's replies answer its first inbound subject. */
  subject: string | null
  createdAt: number
}

export interface EmailStore {
  /** false when this account has this Message-ID from this sender already (the first record stays). */
  record(record: EmailRecord): Promise<boolean>
  get(accountId: string, sender: string, rfcMessageId: string): Promise<EmailRecord | null>
  /** The account's records among these Message-IDs, whoever sent them (in no particular order). */
  findMany(accountId: string, rfcMessageIds: string[]): Promise<EmailRecord[]>
  /** The conversation's mails whose messages are older than `beforeSeq`, oldest first. */
  threadBefore(conversationId: string, beforeSeq: number): Promise<EmailRecord[]>
  /** The Subject of the conversation's first inbound mail that had one. */
  subjectOf(conversationId: string): Promise<string | null>
}
