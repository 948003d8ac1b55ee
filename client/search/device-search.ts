import type { InboxDatabase } from '../db/database.ts'
import type { SearchPendingRecord } from './records.ts'
import {
  INDEX_FORMAT,
  createIndex,
  loadIndex,
  remove,
  search,
  serializeIndex,
  upsert,
  type ConversationIndex,
  type SearchFilters,
  type SearchHit,
  type SearchSource,
} from './search-index.ts'

// The I/O shell around search-index.ts: loads the saved index (or builds it once from Dexie), applies
// the conversations the feed marked as changed, and saves the index a little later. Loaded lazily
// (dynamic import) so MiniSearch is not part of the first load. It imports nothing from Dexie itself:
// the live query comes from the caller, otherwise the bundler splits Dexie out of the first-load
// chunk into a chunk of its own (a larger first load).

/** Dexie's liveQuery as a callback: `next` runs with each new result; returns the unsubscribe. */
export type Watch = (query: () => Promise<SearchPendingRecord[]>, next: (rows: SearchPendingRecord[]) => void) => () => void
/** Every message of a conversation by [conversationId+seq]: seqs are positive numbers. */
export const SEQ_RANGE = [0, Number.MAX_SAFE_INTEGER] as const

/** Saving serializes the whole index (about 11 MB of JSON at 10,000 conversations): at most once per
 *  this delay, however fast the feed comes in. */
const SAVE_DELAY_MS = 5_000

export class DeviceSearch {
  /** Pending keys applied in memory but not yet part of a saved index. */
  private unsaved: number[] = []
  private seenKey = 0
  private work: Promise<void> = Promise.resolve()
  private saveTimer: ReturnType<typeof setTimeout> | null = null
  private unsubscribe: (() => void) | null = null
  private listeners = new Set<() => void>()

  private constructor(
    private readonly db: InboxDatabase,
    private readonly index: ConversationIndex,
  ) {}

  static async open(db: InboxDatabase, watch: Watch): Promise<DeviceSearch> {
    const saved = await db.searchIndex.get('conversations')
    let engine: DeviceSearch | null = null
    if (saved?.format === INDEX_FORMAT) {
      try {
        engine = new DeviceSearch(db, loadIndex(saved.json))
      } catch {
        // A damaged copy is rebuilt below.
      }
    }
    if (!engine) {
      engine = new DeviceSearch(db, createIndex())
      await engine.rebuild()
    }
    engine.watch(watch)
    return engine
  }

  /** Indexes everything on the device (a first start, or a new index format), then saves at once. */
  private async rebuild(): Promise<void> {
    const db = this.db
    const [keys, conversations, contacts, messages] = await db.transaction('r', [db.searchPending, db.conversations, db.contacts, db.messages], () =>
      Promise.all([db.searchPending.toCollection().primaryKeys(), db.conversations.toArray(), db.contacts.toArray(), db.messages.toArray()]),
    )
    const contactById = new Map(contacts.map((c) => [c.id, c]))
    const byConversation = new Map<string, SearchSource['messages']>()
    messages.sort((a, b) => a.seq - b.seq)
    for (const m of messages) {
      const list = byConversation.get(m.conversationId)
      if (list) list.push(m)
      else byConversation.set(m.conversationId, [m])
    }
    for (const conversation of conversations) {
      upsert(this.index, { conversation, contact: contactById.get(conversation.contactId) ?? null, messages: byConversation.get(conversation.id) ?? [] })
    }
    this.unsaved.push(...keys)
    this.seenKey = keys.reduce((a, b) => Math.max(a, b), 0)
    await this.save()
  }

  /** The feed marks changed conversations in any tab; this one catches up whenever marks appear. */
  private watch(watch: Watch): void {
    this.unsubscribe = watch(
      () => this.db.searchPending.where(':id').above(this.seenKey).toArray(),
      (pending) => {
        if (pending.length > 0) this.work = this.work.then(() => this.apply()).catch(() => undefined)
      },
    )
  }

  private async apply(): Promise<void> {
    const db = this.db
    const pending = await db.searchPending.where(':id').above(this.seenKey).toArray()
    if (pending.length === 0) return
    const ids = [...new Set(pending.map((p) => p.conversationId))]
    const sources = await db.transaction('r', [db.conversations, db.contacts, db.messages], async () => {
      const rows = await db.conversations.bulkGet(ids)
      const contacts = await db.contacts.bulkGet(rows.map((r) => r?.contactId ?? ''))
      const messages = await Promise.all(
        ids.map((id) => db.messages.where('[conversationId+seq]').between([id, SEQ_RANGE[0]], [id, SEQ_RANGE[1]], true, true).toArray()),
      )
      return ids.map((id, i) => ({ id, row: rows[i], contact: contacts[i] ?? null, messages: messages[i]! }))
    })
    for (const s of sources) {
      if (s.row) upsert(this.index, { conversation: s.row, contact: s.contact, messages: s.messages })
      else remove(this.index, s.id)
    }
    const keys = pending.map((p) => p.key!)
    this.unsaved.push(...keys)
    this.seenKey = keys.reduce((a, b) => Math.max(a, b), this.seenKey)
    this.scheduleSave()
    for (const listener of this.listeners) listener()
  }

  private scheduleSave(): void {
    if (this.saveTimer) return
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null
      this.work = this.work.then(() => this.save()).catch(() => undefined)
    }, SAVE_DELAY_MS)
  }

  /** The index and the removal of the marks it includes go together: a mark is never lost unsaved. */
  private async save(): Promise<void> {
    const keys = this.unsaved
    this.unsaved = []
    const json = serializeIndex(this.index)
    await this.db.transaction('rw', [this.db.searchIndex, this.db.searchPending], async () => {
      await this.db.searchIndex.put({ id: 'conversations', format: INDEX_FORMAT, json, savedAt: Date.now() })
      await this.db.searchPending.bulkDelete(keys)
    })
  }

  /** Until every mark seen so far is applied (tests and the first query after a burst of feed). */
  settled(): Promise<void> {
    return this.work
  }

  search(query: string, filters: SearchFilters, limit = 50): SearchHit[] {
    return search(this.index, query, filters, limit)
  }

  /** Called after the index changed, to refresh the results on screen. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  close(): void {
    this.unsubscribe?.()
    if (this.saveTimer) clearTimeout(this.saveTimer)
  }
}

const engines = new WeakMap<InboxDatabase, Promise<DeviceSearch>>()

/** One engine per device database, shared by every list pane that mounts (the phone layout remounts). */
export function deviceSearch(db: InboxDatabase, watch: Watch): Promise<DeviceSearch> {
  let engine = engines.get(db)
  if (!engine) {
    engine = DeviceSearch.open(db, watch)
    engine.catch(() => engines.delete(db))
    engines.set(db, engine)
  }
  return engine
}
