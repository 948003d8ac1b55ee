import Dexie, { type Table } from 'dexie'
import type {
  ContactRecord,
  ConversationRecord,
  DocRecord,
  MessageRecord,
  MetaRecord,
  NoticeRecord,
  OutboxItem,
  PresenceRecord,
  WriteRecord,
  CannedRecord,
  UploadRecord,
} from './records.ts'
import { waitingSeqOf } from '../lib/conversation-sort.ts'
import { type ReadRecord, unreadFlag } from '../lib/unread.ts'
import type { SearchIndexRecord, SearchPendingRecord } from '../search/records.ts'
import type { ContactEditRecord } from '../sync/contact-edits.ts'
import type { NotificationRecord } from '../sync/notifications.ts'

/** The device's database, one per signed-in agent. Views only read it (through liveQuery); the sync
 *  engine alone writes it. */
export class InboxDatabase extends Dexie {
  conversations!: Table<ConversationRecord, string>
  messages!: Table<MessageRecord, string>
  contacts!: Table<ContactRecord, string>
  docs!: Table<DocRecord, string>
  outbox!: Table<OutboxItem, string>
  meta!: Table<MetaRecord, string>
  writes!: Table<WriteRecord, [string, string]>
  notices!: Table<NoticeRecord, number>
  presence!: Table<PresenceRecord, string>
  canned!: Table<CannedRecord, string>
  uploads!: Table<UploadRecord, string>
  searchIndex!: Table<SearchIndexRecord, string>
  searchPending!: Table<SearchPendingRecord, number>
  contactEdits!: Table<ContactEditRecord, string>
  reads!: Table<ReadRecord, string>
  notifications!: Table<NotificationRecord, string>

  constructor(name: string) {
    super(name)
    this.version(1).stores({
      // The list reads by filter and status, newest activity first, through these compound indexes.
      // [status+snoozedUntil] finds snoozes that are due, which the Open tab shows.
      conversations: 'id, [status+lastActivityAt], [assignee+status+lastActivityAt], [status+snoozedUntil], contactId',
      messages: 'id, [conversationId+seq]',
      contacts: 'id, email',
      docs: 'id, dirty',
      outbox: 'id, conversationId, createdAt, state',
      meta: 'key',
    })
    this.version(2).stores({
      // *labels (multi-entry) lists the labels in use, for the label picker's suggestions.
      conversations: 'id, [status+lastActivityAt], [assignee+status+lastActivityAt], [status+snoozedUntil], contactId, *labels',
      writes: '[conversationId+field], conversationId',
      notices: '++id, conversationId',
      presence: 'conversationId',
    })
    this.version(3).stores({
      canned: 'id, shortCode',
      uploads: 'id, outboxId',
    })
    this.version(4).stores({
      // The Priority sort walks these one priority at a time, most urgent first (useConversationList.ts).
      conversations:
        'id, [status+lastActivityAt], [assignee+status+lastActivityAt], [status+snoozedUntil], contactId, *labels, [status+priority+lastActivityAt], [assignee+status+priority+lastActivityAt]',
    })
    this.version(5).stores({
      // The persisted search index, and the conversations changed since it was last saved (client/search/).
      searchIndex: 'id',
      searchPending: '++key, conversationId',
    })
    this.version(6)
      .stores({
        // "Oldest waiting first" walks the waiting ones (waitingSeq > 0) forwards, then the rest newest first.
        conversations:
          'id, [status+lastActivityAt], [assignee+status+lastActivityAt], [status+snoozedUntil], contactId, *labels, [status+priority+lastActivityAt], [assignee+status+priority+lastActivityAt], [status+waitingSeq+lastActivityAt], [assignee+status+waitingSeq+lastActivityAt]',
      })
      .upgrade((tx) =>
        tx
          .table<ConversationRecord, string>('conversations')
          .toCollection()
          .modify((row) => {
            row.waitingSeq = waitingSeqOf(row)
          }),
      )
    this.version(7)
      .stores({
        // The agent's read marks (issue 12); `pending` ones are still to be sent. Unread rows are
        // counted per status tab through [status+unread] and [assignee+status+unread].
        conversations:
          'id, [status+lastActivityAt], [assignee+status+lastActivityAt], [status+snoozedUntil], contactId, *labels, [status+priority+lastActivityAt], [assignee+status+priority+lastActivityAt], [status+waitingSeq+lastActivityAt], [assignee+status+waitingSeq+lastActivityAt], [status+unread], [assignee+status+unread]',
        reads: 'conversationId, pending',
      })
      .upgrade(async (tx) => {
        await tx
          .table<ConversationRecord, string>('conversations')
          .toCollection()
          .modify((row) => {
            row.unread = unreadFlag(row, null)
          })
        // The feed was read before this version stored read marks: an empty kinds list makes the sync
        // engine read it again from the start (engine.ts rereadIfNewKinds), marks included.
        if (await tx.table<MetaRecord, string>('meta').get('feedKinds')) await tx.table('meta').put({ key: 'feedKinds', value: [] })
      })
    this.version(9).stores({
      // The agent's edits of contacts' custom attributes, until the server has them (contact-edits.ts).
      contactEdits: 'id, contactId, state',
    })
    this.version(10)
      .stores({
        // The agent's notifications (issue 12), newest first; `pending` ones are reads still to be sent.
        notifications: 'id, createdAt, conversationId, pending',
      })
      .upgrade(async (tx) => {
        // The feed was read before this version stored notifications: read it again from the start.
        if (await tx.table<MetaRecord, string>('meta').get('feedKinds')) await tx.table('meta').put({ key: 'feedKinds', value: [] })
      })
  }
}

export const databaseName = (agentId: string): string => `inbox-${agentId}`

type MetaValue<K extends MetaRecord['key']> = Extract<MetaRecord, { key: K }>['value']

export async function readMeta<K extends MetaRecord['key']>(db: InboxDatabase, key: K): Promise<MetaValue<K> | undefined> {
  const record = await db.meta.get(key)
  return record?.value as MetaValue<K> | undefined
}
