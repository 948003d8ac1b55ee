import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { decodeBytes, encodeBytes } from '../../shared/base64.ts'
import { docName } from '../../shared/conversation-doc.ts'
import type { DocsSyncResult } from '../../shared/schemas/api.ts'
import { api, socketUrl } from '../api/http.ts'
import type { InboxDatabase } from '../db/database.ts'
import { acknowledgeDoc, mergeDoc } from './apply-feed.ts'

/** Transaction origins on the device: edits from the feed or the bulk endpoint are already stored. */
const STORED = Symbol('stored')

const PUSH_BATCH = 200

interface OpenDoc {
  doc: Y.Doc
  provider: WebsocketProvider | null
  refs: number
}

/**
 * The device's conversation docs. An open conversation has a live Y.Doc joined to its room (live
 * edits and, later, presence); every doc change is merged into Dexie, and the agent's own edits stay
 * marked dirty until the bulk endpoint has stored them, which covers edits made offline, in another
 * tab, or just before a socket dropped.
 */
export class DocSync {
  private readonly open = new Map<string, OpenDoc>()
  private online = false

  constructor(
    private readonly db: InboxDatabase,
    private readonly onLocalEdit: () => void,
  ) {}

  setOnline(online: boolean): void {
    this.online = online
    for (const entry of this.open.values()) {
      if (online) entry.provider?.connect()
    }
  }

  /** Loads the doc from Dexie and joins its room; reference-counted by the views that use it. */
  async acquire(conversationId: string): Promise<OpenDoc> {
    const existing = this.open.get(conversationId)
    if (existing) {
      existing.refs += 1
      return existing
    }
    const doc = new Y.Doc()
    const entry: OpenDoc = { doc, provider: null, refs: 1 }
    this.open.set(conversationId, entry)
    const stored = await this.db.docs.get(conversationId)
    if (stored) Y.applyUpdate(doc, stored.update, STORED)
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === STORED) return
      const local = origin !== entry.provider
      void mergeDoc(this.db, conversationId, update, local).then(() => {
        if (local) this.onLocalEdit()
      })
    })
    entry.provider = new WebsocketProvider(socketUrl('/sync'), docName(conversationId), doc, {
      connect: this.online,
      disableBc: true,
      maxBackoffTime: 10_000,
    })
    return entry
  }

  release(conversationId: string): void {
    const entry = this.open.get(conversationId)
    if (!entry || --entry.refs > 0) return
    this.open.delete(conversationId)
    entry.provider?.destroy()
    entry.doc.destroy()
  }

  /** Edits a conversation's doc as the agent: the live one if open, otherwise a copy from Dexie. */
  async edit(conversationId: string, change: (doc: Y.Doc) => void): Promise<void> {
    const entry = this.open.get(conversationId)
    if (entry) {
      change(entry.doc)
      return
    }
    const doc = new Y.Doc()
    const stored = await this.db.docs.get(conversationId)
    if (stored) Y.applyUpdate(doc, stored.update)
    const updates: Uint8Array[] = []
    doc.on('update', (u: Uint8Array) => updates.push(u))
    change(doc)
    doc.destroy()
    if (updates.length === 0) return
    await mergeDoc(this.db, conversationId, Y.mergeUpdates(updates), true)
    this.onLocalEdit()
  }

  /** Applies states the sync engine stored (feed, bulk answers) to the live docs that show them. */
  applyStored(conversationId: string, update: Uint8Array): void {
    const entry = this.open.get(conversationId)
    if (entry) Y.applyUpdate(entry.doc, update, STORED)
  }

  /** Pushes every dirty doc to the server, merging what it answers. Returns how many were pushed. */
  async pushDirty(): Promise<number> {
    const dirty = await this.db.docs.where('dirty').equals(1).limit(PUSH_BATCH).toArray()
    if (dirty.length === 0) return 0
    const answer = await api<DocsSyncResult>('/api/docs/sync', {
      body: {
        docs: dirty.map((d) => ({
          id: d.id,
          update: encodeBytes(d.update),
          stateVector: encodeBytes(Y.encodeStateVectorFromUpdate(d.update)),
        })),
      },
    })
    for (const item of answer.docs) {
      const update = decodeBytes(item.update)
      await mergeDoc(this.db, item.id, update, false)
      this.applyStored(item.id, update)
    }
    for (const d of dirty) await acknowledgeDoc(this.db, d.id, d.version)
    return dirty.length
  }
}
