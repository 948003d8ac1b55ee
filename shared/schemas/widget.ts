import { z } from 'zod'
import { Id, Timestamp } from './entities.ts'

// The website chat widget's public API (`/api/widget/...`). A visitor is known by a signed token the
// server issues; what the widget sees of a conversation is only what the customer may see (DESIGN §4
// rule 7): incoming messages and replies, never notes or activity lines, never agents' or accounts' ids.

/** A message a visitor may write: short, like a chat line (the agents' replies may be longer). */
export const WIDGET_MAX_BODY = 5_000

export const WidgetKey = z.string().regex(/^pk_[A-Za-z0-9_-]{8,96}$/, 'a widget key (pk_...)')

export const WidgetSessionRequest = z.object({
  /** The inbox's public key, from the embed snippet's data-inbox-key. */
  key: WidgetKey,
  /** A token issued earlier: the same visitor comes back (it is refreshed). */
  token: z.string().max(300).optional(),
  /** Optional details a new visitor gives before the first message; never used to find an existing
   *  contact (an email typed into a public form proves nothing). */
  name: z.string().trim().max(100).optional(),
  email: z.email().max(254).optional(),
})
export type WidgetSessionRequest = z.infer<typeof WidgetSessionRequest>

export const WidgetSession = z.object({
  token: z.string(),
  visitor: z.object({ name: z.string(), email: z.string().nullable() }),
})
export type WidgetSession = z.infer<typeof WidgetSession>

export const WidgetAttachment = z.object({
  id: Id,
  name: z.string(),
  contentType: z.string(),
  size: z.number().int().nonnegative(),
})
export type WidgetAttachment = z.infer<typeof WidgetAttachment>

export const WidgetMessage = z.object({
  id: Id,
  conversationId: Id,
  kind: z.enum(['incoming', 'reply']),
  body: z.string(),
  createdAt: Timestamp,
  /** The agent's display name on a reply; null on the visitor's own messages. */
  author: z.string().nullable(),
  attachments: z.array(WidgetAttachment),
})
export type WidgetMessage = z.infer<typeof WidgetMessage>

export const WidgetHistory = z.object({ messages: z.array(WidgetMessage) })
export type WidgetHistory = z.infer<typeof WidgetHistory>

export const WidgetPostMessage = z.object({
  /** Minted by the widget, so a retry after a lost answer is recognised and stored once. */
  id: Id,
  body: z.string().trim().min(1).max(WIDGET_MAX_BODY),
})
export type WidgetPostMessage = z.infer<typeof WidgetPostMessage>

export const WidgetPostResult = z.object({ message: WidgetMessage })

/** The one frame the widget sends on the live socket (`/api/widget/live`), first, within 5 s: the
 *  token never travels in the URL. A missing or invalid token closes the socket with 4401. */
export const WidgetLiveAuth = z.object({ type: z.literal('auth'), token: z.string().max(300) })
export type WidgetLiveAuth = z.infer<typeof WidgetLiveAuth>

/** What the live socket pushes once the visitor is authenticated; the widget sends nothing more. */
export type WidgetLivePush =
  /** The token was accepted: pushes follow from here (fetch the history now, not before). */
  | { type: 'ready' }
  | { type: 'message'; message: WidgetMessage }
  /** The agents writing a reply (never a note) in one of the visitor's conversations; empty: nobody. */
  | { type: 'typing'; conversationId: string; agents: string[] }
