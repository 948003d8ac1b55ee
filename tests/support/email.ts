import nodemailer from 'nodemailer'
import type { Options as MailOptions } from 'nodemailer/lib/mail-composer'
import { hashToken, newToken } from '../../server/services/secrets.ts'
import type { Contact } from '../../shared/schemas/entities.ts'
import type { ConversationRow } from '../../shared/schemas/conversation.ts'
import type { TestServer } from './server.ts'

export const SUPPORT_ADDRESS = 'support@acme.test'

/** An Email inbox, Acme's unless another account is named (the factory makes only API and Website inboxes). */
export async function addEmailInbox(
  server: TestServer,
  address = SUPPORT_ADDRESS,
  accountId = server.acme.accountId,
): Promise<{ id: string; address: string }> {
  const { store, clock } = server.ctx
  const id = clock.id()
  await store.directory.createInbox(
    { id, accountId, name: 'Email', channelType: 'email', settings: { emailAddress: address }, tokenHash: hashToken(newToken('inbox')) },
    clock.now(),
  )
  return { id, address }
}

/** Sends a mail as a customer's mail server would: plain SMTP to the inbound port on 127.0.0.1. */
export async function sendMail(port: number, mail: MailOptions): Promise<void> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true })
  try {
    await transport.sendMail(mail)
  } finally {
    transport.close()
  }
}

/** The SMTP error a send failed with (or throws if it did not fail). */
export async function sendMailRefused(port: number, mail: MailOptions): Promise<{ responseCode: number; response: string }> {
  try {
    await sendMail(port, mail)
  } catch (error) {
    const e = error as { responseCode?: number; response?: string }
    return { responseCode: e.responseCode ?? 0, response: e.response ?? String(error) }
  }
  throw new Error('the mail was accepted')
}

/** The contact with this address and their conversations in the inbox, newest first. */
export async function conversationsOf(
  server: TestServer,
  email: string,
  inboxId: string,
  accountId = server.acme.accountId,
): Promise<{ contact: Contact | null; conversations: ConversationRow[] }> {
  const contact = await server.ctx.store.contacts.findContactByEmail(accountId, email.toLowerCase())
  if (!contact) return { contact: null, conversations: [] }
  const conversations = (await server.ctx.store.conversations.listConversationsOfContact(contact.id)).filter((c) => c.inboxId === inboxId)
  return { contact, conversations }
}
