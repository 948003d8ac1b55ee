import { z } from 'zod'
import { ReadMark } from './notifications.ts'

/** POST /api/conversations/{id}/read: the agent has read the conversation up to `seenSeq`. */
export const MarkRead = z.object({
  seenSeq: z.number().int().nonnegative(),
  /** "Mark as unread": set the mark to exactly seenSeq, even below where it is. Without it the mark
   *  only moves forward, so a late or replayed request from a device that read less changes nothing. */
  unread: z.boolean().optional(),
})
export type MarkRead = z.infer<typeof MarkRead>

export const MarkReadResult = z.object({ read: ReadMark })
export type MarkReadResult = z.infer<typeof MarkReadResult>
