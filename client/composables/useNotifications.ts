import { computed } from 'vue'
import { notificationTitle, notificationPath } from '../../shared/notification-text.ts'
import type { InboxDatabase } from '../db/database.ts'
import { useSessionStore } from '../stores/session.ts'
import type { NotificationRecord } from '../sync/notifications.ts'
import { useLiveQuery } from './useLiveQuery.ts'

/** The newest this many are listed; older ones stay on the device and in the count. */
const SHOWN = 50

export interface NotificationItem {
  notification: NotificationRecord
  title: string
  path: string
  unread: boolean
}

/**
 * The agent's notifications from the device (offline too), newest first, with their words ("Alice
 * mentioned you in #42") built from the stored workspace and contacts, as the server words a push.
 */
export function useNotifications(db: InboxDatabase) {
  const session = useSessionStore()
  const rows = useLiveQuery(
    async () => {
      const [shown, unread] = await Promise.all([
        db.notifications.orderBy('createdAt').reverse().limit(SHOWN).toArray(),
        db.notifications.filter((n) => n.readAt === null).count(),
      ])
      const conversations = await db.conversations.bulkGet([...new Set(shown.map((n) => n.conversationId))])
      const contactIds = conversations.flatMap((c) => (c ? [c.contactId] : []))
      const contacts = new Map((await db.contacts.bulkGet(contactIds)).flatMap((c) => (c ? [[c.id, c.name] as const] : [])))
      const contactOf = new Map(conversations.flatMap((c) => (c ? [[c.id, contacts.get(c.contactId)] as const] : [])))
      return { shown, unread, contactOf }
    },
    [],
    { shown: [] as NotificationRecord[], unread: 0, contactOf: new Map<string, string | undefined>() },
  )
  const items = computed((): NotificationItem[] => {
    const agents = new Map(session.workspace?.agents.map((a) => [a.id, a.name]) ?? [])
    const { shown, contactOf } = rows.data.value
    return shown.map((n) => ({
      notification: n,
      title: notificationTitle(n, { agent: (id) => agents.get(id) ?? 'Someone', contact: contactOf.get(n.conversationId) || 'a customer' }),
      path: notificationPath(n),
      unread: n.readAt === null,
    }))
  })
  const unread = computed(() => rows.data.value.unread)
  return { items, unread }
}
