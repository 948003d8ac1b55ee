import { z } from 'zod'
import { Agent, CustomAttributes, Id, Inbox, Message, Team, Timestamp } from './entities.ts'
import { LabelName, Priority, Status } from '../conversation-doc.ts'
import { AttributeDefinition } from './attributes.ts'

export const ErrorBody = z.object({
  error: z.string(),
  /** Dotted paths of the offending fields, when the error is about the request's content. */
  fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
})
export type ErrorBody = z.infer<typeof ErrorBody>

export const SignIn = z.object({
  email: z.email().max(320),
  password: z.string().min(1).max(1000),
})
export type SignIn = z.infer<typeof SignIn>

export const TokenRequest = SignIn.extend({ label: z.string().max(100).optional() })

/** 429 from sign-in and the other password and code checks: when to try again (also `Retry-After`). */
export const TooManyAttempts = ErrorBody.extend({ retryAfterSeconds: z.number().int().positive() })
export type TooManyAttempts = z.infer<typeof TooManyAttempts>

export const Workspace = z.object({
  me: Agent,
  account: z.object({ id: Id, name: z.string() }),
  agents: z.array(Agent),
  teams: z.array(Team),
  inboxes: z.array(Inbox),
  attributes: z.array(AttributeDefinition).default([]),
})
export type Workspace = z.infer<typeof Workspace>

export const MaxBody = 50_000

export const PostMessage = z.object({
  id: Id,
  kind: z.enum(['reply', 'note']),
  /** May be empty when files are attached. */
  body: z.string().trim().max(MaxBody),
  /** Files uploaded with POST /api/attachments to attach to this message. */
  attachmentIds: z.array(Id).max(15).optional(),
  /** The newest message seq the author had seen; the send guard (DESIGN §4 rule 6) compares with it. */
  basedOnSeq: z.number().int().nonnegative(),
  /** "Send anyway": the author has seen the colliding messages and sends regardless. */
  force: z.boolean().optional(),
  /** A note's mentioned agents (teams already expanded to their members); each is notified. */
  mentions: z.array(Id).max(100).optional(),
}).refine((m) => m.body.length > 0 || (m.attachmentIds?.length ?? 0) > 0, {
  message: 'a message needs text or a file',
  path: ['body'],
})
export type PostMessage = z.infer<typeof PostMessage>

export const PostMessageResult = z.object({ message: Message, duplicate: z.boolean() })

/** 409 answer of the send guard: the reply was not stored; these are what its author has not seen. */
export const ReplyCollision = z.object({
  error: z.string(),
  code: z.literal('reply_collision'),
  messages: z.array(Message),
})
export type ReplyCollision = z.infer<typeof ReplyCollision>
export type PostMessageResult = z.infer<typeof PostMessageResult>

/** A conversation doc is small; 1 MB of base64 is far beyond any real one. */
const Base64 = z.string().max(1_000_000).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64')

/** Room for a whole doc up to the server's size cap (1 MiB, server/sync/doc-limits.ts) and more:
 *  a doc over the cap is answered 413 naming it, not refused here as a malformed field. */
const UpdateBase64 = z.string().max(4_000_000).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64')

export const DocSyncItem = z.object({
  id: Id,
  /** A Yjs update to merge into the server's replica. */
  update: UpdateBase64.optional(),
  /** The client's state vector; the answer holds what the client lacks. Absent: the whole state. */
  stateVector: Base64.optional(),
})
export const DocsSync = z.object({ docs: z.array(DocSyncItem).min(1).max(500) })
export type DocsSync = z.infer<typeof DocsSync>
export const DocsSyncResult = z.object({ docs: z.array(z.object({ id: Id, update: z.string() })) })
export type DocsSyncResult = z.infer<typeof DocsSyncResult>

/** The script-friendly way to change a conversation's state; the app edits the doc instead. */
export const ConversationPatch = z
  .object({
    status: Status.optional(),
    snoozedUntil: Timestamp.nullable().optional(),
    assigneeId: Id.nullable().optional(),
    teamId: Id.nullable().optional(),
    priority: Priority.optional(),
    /** Checked here so that a bad name is a 400 naming it, not a throw halfway through the doc write
     *  (which would leave the patch's earlier fields applied). A refine, not LabelName itself: its
     *  unicode regex would reach the OpenAPI document as a broken pattern. */
    addLabels: z
      .array(z.string().refine((l) => LabelName.safeParse(l).success, 'letters, digits, spaces, - and _'))
      .max(50)
      .optional(),
    removeLabels: z.array(z.string()).max(50).optional(),
    seenSeq: z.number().int().nonnegative().optional(),
  })
  .refine((p) => p.status !== 'snoozed' || (p.snoozedUntil ?? null) !== null, {
    message: 'snoozedUntil is required to snooze',
    path: ['snoozedUntil'],
  })
export type ConversationPatch = z.infer<typeof ConversationPatch>

export const ApiChannelContact = z
  .object({
    email: z.email().max(320).optional(),
    name: z.string().trim().min(1).max(200).optional(),
    attributes: CustomAttributes.optional(),
  })
  .refine((c) => c.email !== undefined || c.name !== undefined, {
    message: 'a contact needs an email or a name',
    path: ['email'],
  })

export const ApiChannelMessage = z.object({
  contact: ApiChannelContact,
  body: z.string().trim().min(1).max(MaxBody),
  /** Continue this conversation (as returned by an earlier call), even if it was resolved: the
   *  message reopens it. Without it, the contact's latest unresolved conversation, or a new one. */
  conversationId: Id.optional(),
})
export type ApiChannelMessage = z.infer<typeof ApiChannelMessage>

export const ApiChannelMessageResult = z.object({
  conversationId: Id,
  messageId: Id,
  contactId: Id,
})

export const SeqParam = z.coerce.number().int().nonnegative()

