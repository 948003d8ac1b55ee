import { markForSearch } from '../search/pending.ts'
import { liveQuery, type Subscription } from 'dexie'
import { decodeBytes } from '../../shared/base64.ts'
import type { FeedEntry, PresencePush } from '../../shared/schemas/feed.ts'
import type { InboxDatabase } from '../db/database.ts'
import { DocSync, type Me } from './docs.ts'
import { FeedSync } from './feed.ts'
import { OutboxSender } from './outbox.ts'
import { ContactEditSender } from './contact-edits.ts'
import { ReadMarkSender } from './reads.ts'
import { NotificationReadSender } from './notifications.ts'
import { KNOWN_KINDS } from './feed-parse.ts'
import { readMeta } from '../db/database.ts'
import { api } from '../api/http.ts'
import type { MessageRecord } from '../db/records.ts'

export interface EngineEvents {
  onUnauthorized(): void
}

/**
 * Runs the device's sync: one tab (the leader, elected with a Web Lock) talks to the feed, sends the
 * outbox and pushes dirty docs; every tab joins the rooms of the conversations it shows and writes its
 * own edits to Dexie, where the leader picks them up. Two tabs therefore never send the same item.
 */
export class SyncEngine {
  readonly docs: DocSync
  readonly outbox: OutboxSender
  private readonly contactEdits: ContactEditSender
  private readonly reads: ReadMarkSender
  private readonly notificationReads: NotificationReadSender
  private readonly feed: FeedSync
  private online = false
  private releaseLeadership: (() => void) | null = null
  private watchers: Subscription[] = []
  private pushTimer: ReturnType<typeof setTimeout> | null = null
  private stopped = false

  constructor(
    private readonly db: InboxDatabase,
    private readonly lockName: string,
    me: Me,
    private readonly events: EngineEvents,
  ) {
    this.docs = new DocSync(db, me, () => this.schedulePush())
    this.outbox = new OutboxSender(db)
    this.contactEdits = new ContactEditSender(db)
    this.reads = new ReadMarkSender(db)
    this.notificationReads = new NotificationReadSender(db)
    this.feed = new FeedSync(db, {
      onConnection: (online) => this.setOnline(online),
      onProgress: (done, total) => void this.writeConnection(this.online, done >= total ? null : done / total),
      onEntries: (entries) => this.showInOpenDocs(entries),
      onUnauthorized: () => this.events.onUnauthorized(),
      onPresence: (push) => void this.storePresence(push),
      onTrouble: (message) => void this.writeConnection(this.online, null, message),
      onHistory: (fraction) => {
        this.history = fraction
        void this.writeConnection(this.online, null)
      },
    })
    window.addEventListener('online', this.onBrowserOnline)
  }

  start(): void {
    if (typeof navigator.locks?.request !== 'function') {
      // No Web Locks outside a secure context (plain http on a LAN address): this tab syncs alone.
      this.lead()
      return
    }
    void navigator.locks.request(this.lockName, () => {
      if (this.stopped) return
      this.lead()
      return new Promise<void>((resolve) => (this.releaseLeadership = resolve))
    })
  }

  private lead(): void {
    // What the last page left here ("Offline" from its socket closing as it unloaded) is not news:
    // this leader is connecting, until its socket opens or fails.
    void this.db.meta.put({ key: 'connection', value: { online: false, progress: null, trouble: null, history: this.history, connecting: true } })
    void this.rereadIfNewKinds().finally(() => {
      if (!this.stopped) this.feed.start()
    })
    // Work written by any tab (a queued reply, an offline edit) reaches the leader through Dexie.
    this.watchers.push(
      liveQuery(() => this.db.outbox.where('state').equals('waiting').count()).subscribe((n) => {
        if (n > 0 && this.online) void this.flushOutbox()
      }),
      liveQuery(() => this.db.docs.where('dirty').equals(1).count()).subscribe((n) => {
        if (n > 0) this.schedulePush()
      }),
      // Contact attribute edits made on any tab, offline too.
      liveQuery(() => this.db.contactEdits.where('state').equals('waiting').count()).subscribe((n) => {
        if (n > 0 && this.online) void this.flushContactEdits()
      }),
      // Read marks: any tab writes them, the leader sends them (the newest per conversation only).
      liveQuery(() => this.db.reads.where('pending').equals(1).count()).subscribe((n) => {
        if (n > 0 && this.online) void this.flushReads()
      }),
      // Notifications read on any tab (offline too): the leader tells the server.
      liveQuery(() => this.db.notifications.where('pending').equals(1).count()).subscribe((n) => {
        if (n > 0 && this.online) void this.flushNotificationReads()
      }),
    )
  }

  /** Entries are idempotent, so reading the feed again from seq 0 only costs time. */
  private async rereadIfNewKinds(): Promise<void> {
    const kinds = [...KNOWN_KINDS].sort()
    const stored = await readMeta(this.db, 'feedKinds')
    if (stored && stored.join() === kinds.join()) return
    await this.db.transaction('rw', this.db.meta, async () => {
      if (stored) await this.db.meta.put({ key: 'cursor', value: 0 })
      await this.db.meta.put({ key: 'feedKinds', value: kinds })
    })
  }

  stop(): void {
    this.stopped = true
    window.removeEventListener('online', this.onBrowserOnline)
    this.feed.stop()
    for (const w of this.watchers) w.unsubscribe()
    this.watchers = []
    if (this.pushTimer) clearTimeout(this.pushTimer)
    this.releaseLeadership?.()
  }

  private readonly onBrowserOnline = () => this.feed.reconnectNow()

  private setOnline(online: boolean): void {
    this.online = online
    this.docs.setOnline(online)
    // Connected is not caught up: the catch-up that follows reports its progress and clears it.
    void this.writeConnection(online, online ? 0 : null)
    if (!online) void this.db.presence.clear()
    if (online) {
      void this.flushOutbox()
      void this.flushContactEdits()
      void this.flushReads()
      void this.flushNotificationReads()
      this.schedulePush(0)
    }
  }

  /** Presence is kept in Dexie so that every tab's list shows it; it is thrown away when the feed
   *  socket drops, since nobody would tell us that people left. */
  private async storePresence(push: PresencePush): Promise<void> {
    await this.db.transaction('rw', this.db.presence, async () => {
      if (push.snapshot) await this.db.presence.clear()
      for (const p of push.conversations) {
        if (p.agents.length === 0) await this.db.presence.delete(p.conversationId)
        else await this.db.presence.put(p)
      }
    })
  }

  private trouble: string | null = null
  private history: number | null = null

  private async writeConnection(online: boolean, progress: number | null, trouble: string | null = this.trouble): Promise<void> {
    this.trouble = trouble
    await this.db.meta.put({ key: 'connection', value: { online, progress, trouble, history: this.history } })
  }

  /** A conversation opened before the history backfill reached it: its messages, now. */
  async ensureHistory(conversationId: string): Promise<void> {
    if (!(await readMeta(this.db, 'backfill'))) return
    try {
      const { messages } = await api<{ messages: MessageRecord[] }>(`/api/conversations/${conversationId}`)
      await this.db.messages.bulkPut(messages)
      await markForSearch(this.db, [conversationId])
    } catch {
      // Offline or refused: the backfill brings it later.
    }
  }

  private async flushOutbox(): Promise<void> {
    try {
      await this.outbox.flush()
    } catch {
      // Unreachable: the items wait; the next reconnect flushes again.
    }
  }

  private async flushReads(): Promise<void> {
    try {
      await this.reads.flush()
    } catch {
      // Unreachable: the marks stay pending; the next reconnect sends them.
    }
  }

  private async flushNotificationReads(): Promise<void> {
    try {
      await this.notificationReads.flush()
    } catch {
      // Unreachable: the reads stay pending; the next reconnect sends them.
    }
  }

  private async flushContactEdits(): Promise<void> {
    try {
      await this.contactEdits.flush()
    } catch {
      // Unreachable: the edits wait; the next reconnect sends them.
    }
  }

  private schedulePush(delay = 300): void {
    if (!this.online || this.stopped) return
    if (this.pushTimer) clearTimeout(this.pushTimer)
    this.pushTimer = setTimeout(() => void this.pushDocs(), delay)
  }

  private async pushDocs(): Promise<void> {
    this.pushTimer = null
    try {
      while ((await this.docs.pushDirty()) > 0) {
        /* keep pushing batches */
      }
    } catch {
      // Offline or refused: the docs stay dirty and are pushed on the next reconnect.
    }
  }

  private showInOpenDocs(entries: FeedEntry[]): void {
    for (const entry of entries) {
      if (entry.kind === 'conversation' && entry.state) this.docs.applyStored(entry.conversation.id, decodeBytes(entry.state))
    }
  }
}
