import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { decodeBytes, encodeBytes } from '../../shared/base64.ts'
import { docName } from '../../shared/conversation-doc.ts'
import type { DocsSyncResult } from '../../shared/schemas/api.ts'
import { ApiError, api, socketUrl } from '../api/http.ts'
import type { InboxDatabase } from '../db/database.ts'
import { acknowledgeDoc, mergeDoc } from './apply-feed.ts'
import { backoffDelay } from './backoff.ts'
import { type Activity, type PresenceState, agentColor } from '../../shared/presence.ts'
import { CLOSE_DOC_TOO_LARGE, dropRefusedEdit, refusedDocIndexes } from './refused-doc.ts'

/** Transaction origins on the device: edits from the feed or the bulk endpoint are already stored. */
const STORED = Symbol('stored')

const PUSH_BATCH = 200

export interface OpenDoc {
  conversationId: string
  doc: Y.Doc
  provider: WebsocketProvider
  refs: number
  attempts: number
  retry: ReturnType<typeof setTimeout> | null
  /** The server refused an edit of it for size: later edits build on that one and would be refused
   *  too, so they are not stored until the conversation is opened afresh. */
  refused: boolean
}

export interface Me {
  id: string
  name: string
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
    private readonly me: Me,
    private readonly onLocalEdit: () => void,
  ) {}

  setOnline(online: boolean): void {
    this.online = online
    if (!online) return
    for (const entry of this.open.values()) this.reconnect(entry, 0)
  }

  /** Reconnects a room after a delay with full jitter (y-websocket's own backoff has none), so a
   *  server restart does not bring every tablet back at the same instant. */
  private reconnect(entry: OpenDoc, delay: number): void {
    if (entry.retry) clearTimeout(entry.retry)
    entry.retry = setTimeout(() => {
      entry.retry = null
      if (this.open.get(entry.conversationId) === entry) entry.provider.connect()
    }, delay)
  }

  get(conversationId: string): OpenDoc | undefined {
    return this.open.get(conversationId)
  }

  /** What the agent is doing in a conversation, for the others' presence. */
  setActivity(conversationId: string, activity: Activity, noteCursor: { anchor: string; head: string } | null = null): void {
    const awareness = this.open.get(conversationId)?.provider.awareness
    if (!awareness) return
    const state: PresenceState = { user: { ...this.me, color: agentColor(this.me.id) }, activity, noteCursor }
    awareness.setLocalState(state)
  }

  /** Loads the doc from Dexie and joins its room; reference-counted by the views that use it. */
  async acquire(conversationId: string): Promise<OpenDoc> {
    const existing = this.open.get(conversationId)
    if (existing) {
      existing.refs += 1
      return existing
    }
    const doc = new Y.Doc()
    const stored = await this.db.docs.get(conversationId)
    const again = this.open.get(conversationId)
    if (again) {
      doc.destroy()
      again.refs += 1
      return again
    }
    if (stored) Y.applyUpdate(doc, stored.update, STORED)
    const provider = new WebsocketProvider(socketUrl('/sync'), docName(conversationId), doc, {
      connect: false,
      disableBc: true,
      // Reconnecting is ours (with jitter): a closed socket stays closed until reconnect() says.
      shouldReconnect: () => false,
    })
    const entry: OpenDoc = { conversationId, doc, provider, refs: 1, attempts: 0, retry: null, refused: false }
    this.open.set(conversationId, entry)
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === STORED || entry.refused) return
      const local = origin !== provider
      void mergeDoc(this.db, conversationId, update, local).then(() => {
        if (local) this.onLocalEdit()
      })
    })
    provider.on('sync', (synced: boolean) => {
      if (synced) entry.attempts = 0
    })
    provider.on('closed', (close: { code: number }) => {
      if (close.code === CLOSE_DOC_TOO_LARGE) void this.refuse(conversationId)
      // 4400-4499: the server decided (no access, bad frame); retrying cannot help.
      if (close.code >= 4400 && close.code < 4500) return
      if (this.online) this.reconnect(entry, backoffDelay(entry.attempts++, { base: 500, max: 15_000 }))
    })
    this.setActivity(conversationId, 'viewing')
    if (this.online) provider.connect()
    return entry
  }

  release(conversationId: string): void {
    const entry = this.open.get(conversationId)
    if (!entry || --entry.refs > 0) return
    this.open.delete(conversationId)
    if (entry.retry) clearTimeout(entry.retry)
    entry.provider.awareness.setLocalState(null)
    entry.provider.destroy()
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

  /** The server refused an edit of this doc for its size: replace the device's copy by the server's
   *  and tell the agent in the conversation (refused-doc.ts). */
  private async refuse(conversationId: string): Promise<void> {
    const entry = this.open.get(conversationId)
    if (entry) entry.refused = true
    let serverState: Uint8Array | null = null
    try {
      const answer = await api<DocsSyncResult>('/api/docs/sync', { body: { docs: [{ id: conversationId }] } })
      serverState = decodeBytes(answer.docs[0]!.update)
    } catch {
      // Offline again: keep the copy, no longer dirty (refused-doc.ts says why that is safe).
    }
    await dropRefusedEdit(this.db, conversationId, serverState, Date.now())
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
    let answer: DocsSyncResult
    try {
      answer = await api<DocsSyncResult>('/api/docs/sync', {
        body: {
          docs: dirty.map((d) => ({
            id: d.id,
            update: encodeBytes(d.update),
            stateVector: encodeBytes(Y.encodeStateVectorFromUpdate(d.update)),
          })),
        },
      })
    } catch (error) {
      const refused = error instanceof ApiError && error.status === 413 ? refusedDocIndexes(error.body) : []
      if (refused.length === 0) throw error
      // Nothing of the batch was applied: drop the refused docs' edits, and the next round pushes the rest.
      for (const i of refused) await this.refuse(dirty[i]!.id)
      return dirty.length
    }
    for (const item of answer.docs) {
      const update = decodeBytes(item.update)
      await mergeDoc(this.db, item.id, update, false)
      this.applyStored(item.id, update)
    }
    for (const d of dirty) await acknowledgeDoc(this.db, d.id, d.version)
    return dirty.length
  }
}
