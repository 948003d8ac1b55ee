import * as Y from 'yjs'
import { encodeBytes } from '../../../shared/base64.ts'
import { type WriteContext, writeField } from '../../../shared/conversation-doc.ts'
import { emptyConversationState, projectConversation } from '../../../shared/project-conversation.ts'
import type { ConversationFacts, ConversationRow } from '../../../shared/schemas/conversation.ts'
import type { Contact, Message } from '../../../shared/schemas/entities.ts'
import { FeedEntry } from '../../../shared/schemas/feed.ts'
import { InboxDatabase } from '../../../client/db/database.ts'
import { type ConversationRecord, toConversationRecord } from '../../../client/db/records.ts'

// Builders for the client's data-layer tests. Every feed entry goes through the FeedEntry schema, so a
// fixture can never be something the server would not send. The test file must import
// 'fake-indexeddb/auto' before this module, because Dexie picks up indexedDB when it is loaded.

export const ids = {
  account: '5b0c7a4e-1f2d-4c3b-8a9e-000000000001',
  inbox: '5b0c7a4e-1f2d-4c3b-8a9e-000000000002',
  alice: '5b0c7a4e-1f2d-4c3b-8a9e-0000000000a1',
  bob: '5b0c7a4e-1f2d-4c3b-8a9e-0000000000b0',
  team: '5b0c7a4e-1f2d-4c3b-8a9e-0000000000c0',
}

/** A fresh, empty database under a name no other test uses; pair with `await db.delete()`. */
export const freshDatabase = (): InboxDatabase => new InboxDatabase(`test-${crypto.randomUUID()}`)

/** A conversation doc with a fixed clientID, so that concurrent writes resolve reproducibly. */
export function newDoc(clientID: number, updates: Uint8Array[] = []): Y.Doc {
  const doc = new Y.Doc()
  doc.clientID = clientID
  for (const update of updates) Y.applyUpdate(doc, update)
  return doc
}

export const write = (by: string, at: number, writeId: string = crypto.randomUUID()): WriteContext => ({ by, at, writeId })

/** Runs `change` on `doc` and returns only the update it produced, as an agent's device would store it. */
export function captureUpdate(doc: Y.Doc, change: (doc: Y.Doc) => void): Uint8Array {
  const updates: Uint8Array[] = []
  const listener = (update: Uint8Array): void => {
    updates.push(update)
  }
  doc.on('update', listener)
  change(doc)
  doc.off('update', listener)
  return Y.mergeUpdates(updates)
}

export const setStatus = (doc: Y.Doc, value: 'open' | 'pending' | 'resolved', by: string, at: number, seenSeq = 0): void => {
  writeField(doc, 'status', { value, snoozedUntil: null, seenSeq }, write(by, at))
}

export function facts(id: string, over: Partial<ConversationFacts> = {}): ConversationFacts {
  return {
    id,
    accountId: ids.account,
    number: 1,
    inboxId: ids.inbox,
    contactId: over.contactId ?? crypto.randomUUID(),
    createdAt: 1_000,
    lastActivityAt: 1_000,
    lastMessage: null,
    lastMessageSeq: 0,
    lastCustomerMessageSeq: 0,
    lastVisibleSeq: 0,
    ...over,
  }
}

/** A conversation entry as the server writes it: its facts, its own projection, and its doc's full state. */
export function conversationEntry(seq: number, conversation: ConversationFacts, serverDoc: Y.Doc): FeedEntry {
  return FeedEntry.parse({
    seq,
    kind: 'conversation',
    conversation: { ...conversation, ...projectConversation(serverDoc) },
    state: encodeBytes(Y.encodeStateAsUpdate(serverDoc)),
  })
}

export function message(conversationId: string, seq: number, over: Partial<Message> = {}): Message {
  return {
    id: crypto.randomUUID(),
    accountId: ids.account,
    conversationId,
    kind: 'incoming',
    attachments: [],
    body: `message ${seq}`,
    authorAgentId: null,
    createdAt: 1_000 + seq,
    seq,
    ...over,
  }
}

export const messageEntry = (m: Message): FeedEntry => FeedEntry.parse({ seq: m.seq, kind: 'message', message: m })

export function contact(id: string, name: string): Contact {
  return { id, accountId: ids.account, name, email: `${name.toLowerCase()}@example.com`, attributes: {}, createdAt: 1_000 }
}

export const contactEntry = (seq: number, c: Contact): FeedEntry => FeedEntry.parse({ seq, kind: 'contact', contact: c })

/** A stored conversation row for the list queries, with only the columns a test cares about given. */
export function conversationRecord(
  over: Partial<ConversationRow> & Pick<ConversationRow, 'id' | 'status' | 'lastActivityAt'>,
): ConversationRecord {
  return toConversationRecord({ ...facts(over.id), ...emptyConversationState, ...over })
}
