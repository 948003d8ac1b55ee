import type { AgentNotification } from './schemas/notifications.ts'

/** Names the words need, looked up by whoever shows them (the server for a push, the app from its
 *  stored workspace and contacts), so both say the same thing. */
export interface NotificationNames {
  agent(id: string): string
  /** The conversation's customer. */
  contact: string
}

/** "Alice mentioned you in #42", "Bob assigned #42 to you", "New message from Dana in #42". */
export function notificationTitle(n: Pick<AgentNotification, 'type' | 'actorId' | 'conversationNumber'>, names: NotificationNames): string {
  const number = `#${n.conversationNumber}`
  switch (n.type) {
    case 'mention':
      return `${n.actorId ? names.agent(n.actorId) : 'Someone'} mentioned you in ${number}`
    case 'assigned':
      return n.actorId ? `${names.agent(n.actorId)} assigned ${number} to you` : `${number} was assigned to you`
    case 'customer_reply':
      return `New message from ${names.contact} in ${number}`
  }
}

/** The app's address of the notification's conversation. */
export const notificationPath = (n: Pick<AgentNotification, 'conversationId'>): string => `/conversations/${n.conversationId}`

const SNIPPET = 140

/** One line of a message, for the notification's body. */
export function snippet(body: string): string {
  const line = body.replace(/\s+/g, ' ').trim()
  return line.length > SNIPPET ? `${line.slice(0, SNIPPET - 1)}…` : line
}
