import { z } from 'zod'
import { Contact, Message } from './entities.ts'
import { Directory } from './admin.ts'
import { ConversationRow } from './conversation.ts'
import { ConversationPresence } from '../presence.ts'
import { CannedResponse } from '../canned.ts'
import { AgentNotification, ReadMark } from './notifications.ts'

const Seq = z.number().int().positive()

/** The change feed (DESIGN §3): every change to a contact, conversation or message, in account seq
 *  order. A conversation entry carries the doc's full Yjs state (base64) so a device that was away
 *  can merge it; an entry supersedes older entries of the same contact or conversation. */
export const FeedEntry = z.discriminatedUnion('kind', [
  z.object({ seq: Seq, kind: z.literal('contact'), contact: Contact }),
  z.object({ seq: Seq, kind: z.literal('conversation'), conversation: ConversationRow, state: z.string() }),
  z.object({ seq: Seq, kind: z.literal('message'), message: Message }),
  /** A canned response was added, changed or deleted (superseding, like contacts). */
  z.object({ seq: Seq, kind: z.literal('canned'), canned: CannedResponse }),
  /** The account's name, agents, teams and inboxes after a change to any of them (superseding per
   *  account): the device replaces its stored workspace with it. */
  z.object({ seq: Seq, kind: z.literal('directory'), directory: Directory }),
  /** A notification for one agent (superseding per notification: marking it read rewrites it). */
  z.object({ seq: Seq, kind: z.literal('notification'), notification: AgentNotification }),
  /** One agent's read position in one conversation (superseding per agent and conversation). */
  z.object({ seq: Seq, kind: z.literal('read'), read: ReadMark }),
])
export type FeedEntry = z.infer<typeof FeedEntry>

export const FeedPage = z.object({
  entries: z.array(FeedEntry),
  /** The account's newest seq when the page was read; a client is caught up once its cursor reaches it. */
  lastSeq: z.number().int().nonnegative(),
  hasMore: z.boolean(),
})
export type FeedPage = z.infer<typeof FeedPage>

/** Pushed over the feed WebSocket. `after` is the seq a client must already have for these entries to
 *  follow on without a gap; a client behind it pulls the page instead. */
export const FeedPush = z.object({
  type: z.literal('entries'),
  after: z.number().int().nonnegative(),
  entries: z.array(FeedEntry),
  /** The seq the client is at once it has these: past entries meant for other agents alone, which the
   *  server leaves out (shared/feed-audience.ts). Absent: the last entry's seq. */
  upTo: z.number().int().nonnegative().optional(),
})
export type FeedPush = z.infer<typeof FeedPush>

/** Presence of agents in conversations, pushed on the feed socket for the list: a snapshot of every
 *  occupied conversation when the socket opens, then one message per change. */
export const PresencePush = z.object({
  type: z.literal('presence'),
  snapshot: z.boolean(),
  conversations: z.array(ConversationPresence),
})
export type PresencePush = z.infer<typeof PresencePush>

export const FeedSocketMessage = z.discriminatedUnion('type', [FeedPush, PresencePush])
export type FeedSocketMessage = z.infer<typeof FeedSocketMessage>
