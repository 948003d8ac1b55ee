import { z } from 'zod'
import { AgentNotification } from './notifications.ts'

/** POST /api/notifications/{id}/read: the notification as it stands (readAt set). */
export const NotificationResult = z.object({ notification: AgentNotification })
export type NotificationResult = z.infer<typeof NotificationResult>

/** POST /api/notifications/read-all: how many were unread and are read now. */
export const ReadAllResult = z.object({ read: z.number().int().nonnegative() })
export type ReadAllResult = z.infer<typeof ReadAllResult>

/** GET /api/notifications: the calling agent's newest notifications first. */
export const NotificationList = z.object({ notifications: z.array(AgentNotification) })
export type NotificationList = z.infer<typeof NotificationList>
