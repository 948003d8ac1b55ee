import { FeedSocketMessage, type FeedEntry, type FeedPage, type FeedPush, type PresencePush } from '../../shared/schemas/feed.ts'
import { SESSION_ENDED_CLOSE_CODE } from '../../shared/schemas/admin.ts'
import { KNOWN_KINDS, parseFeedEntries, parseFeedPage } from './feed-parse.ts'
import { NetworkError, api, socketUrl } from '../api/http.ts'
import { type InboxDatabase, readMeta } from '../db/database.ts'
import { applyFeedEntries } from './apply-feed.ts'
import { backoffDelay } from './backoff.ts'

const PAGE = 2000

export interface FeedEvents {
  onConnection(connected: boolean): void
  /** Progress of a catch-up: entries stored so far out of those that existed when it began. */
  onProgress(done: number, total: number): void
  /** Entries were stored (for listeners such as the open conversation's doc). */
  onEntries(entries: FeedEntry[]): void
  onUnauthorized(): void
  /** Who is in which conversation (a snapshot when the socket opens, then changes). */
  onPresence(push: PresencePush): void
  /** A catch-up failed for another reason than the network (null once one succeeds). */
  onTrouble(message: string | null): void
  /** How far a new device's history backfill is (0..1), null once complete. */
  onHistory(fraction: number | null): void
}

/**
 * Keeps the device's copy of the account's change feed: an HTTP catch-up from the stored cursor on
 * start and on every reconnect, then WebSocket pushes. Every write goes through one queue, so a push
 * and a page never interleave, and a push that does not follow on from the cursor triggers a pull
 * instead of being applied: no gap, no duplicate.
 */
export class FeedSync {
  private queue: Promise<void> = Promise.resolve()
  private socket: WebSocket | null = null
  private attempts = 0
  private retryTimer: ReturnType<typeof setTimeout> | null = null
  private stopped = false

  constructor(
    private readonly db: InboxDatabase,
    private readonly events: FeedEvents,
  ) {}

  start(): void {
    this.stopped = false
    this.connect()
  }

  stop(): void {
    this.stopped = true
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.socket?.close()
    this.socket = null
  }

  /** Reconnects now (e.g. the browser says the network is back) instead of waiting out the backoff. */
  reconnectNow(): void {
    if (this.stopped || this.socket) return
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.connect()
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(task, task)
    return this.queue
  }

  pull(): Promise<void> {
    return this.enqueue(() => this.pullNow())
  }

  private async pullNow(): Promise<void> {
    let cursor = (await readMeta(this.db, 'cursor')) ?? 0
    if (cursor === 0 && !(await readMeta(this.db, 'backfill'))) cursor = await this.bootstrap()
    const start = cursor
    await this.readPages(cursor, '', async (page, reached) => {
      await applyFeedEntries(this.db, page.entries, reached)
      const total = Math.max(1, page.lastSeq - start)
      // The last page completes the catch-up, even when it brought nothing (cursor already current).
      this.events.onProgress(page.hasMore ? reached - start : total, total)
      if (page.entries.length > 0) this.events.onEntries(page.entries)
    })
    this.events.onTrouble(null)
    this.startBackfill()
  }

  /**
   * A device with nothing reads every conversation, contact and canned response first (what the list
   * needs), then fills in the messages up to that point in the background: the inbox is usable long
   * before ten thousand conversations' histories are stored. Returns the cursor reached.
   */
  private async bootstrap(): Promise<number> {
    const kinds = KNOWN_KINDS.filter((k) => k !== 'message').join(',')
    let cursor = 0
    await this.readPages(0, `&kinds=${kinds}`, async (page, reached) => {
      // The cursor moves only once the whole first pass is stored, together with the backfill's
      // bounds: a device interrupted half-way starts the first pass again (entries are idempotent).
      const done = !page.hasMore
      await applyFeedEntries(this.db, page.entries, done ? reached : null, done ? { after: 0, until: reached } : undefined)
      if (done) this.events.onHistory(0)
      this.events.onProgress(done ? 1 : reached, done ? 1 : Math.max(reached + 1, page.lastSeq))
      if (page.entries.length > 0) this.events.onEntries(page.entries)
      cursor = reached
    })
    return cursor
  }

  private backfilling: Promise<void> | null = null

  /** Fills in the history below the cursor, if a bootstrap left some to do (resumes after a restart). */
  private startBackfill(): void {
    if (this.backfilling || this.stopped) return
    this.backfilling = this.backfillNow()
      .catch((error: unknown) => console.warn('history backfill paused; resumes on reconnect', error))
      .finally(() => (this.backfilling = null))
  }

  private async backfillNow(): Promise<void> {
    const state = await readMeta(this.db, 'backfill')
    if (!state) return
    const { until } = state
    // Said at once, so the indicator never shows "Online" between the first pass and the history.
    this.events.onHistory(state.after / Math.max(1, until))
    await this.readPages(state.after, `&kinds=message&until=${until}`, async (page, reached) => {
      const next = page.hasMore ? { after: reached, until } : null
      await applyFeedEntries(this.db, page.entries, null, next)
      this.events.onHistory(next ? reached / Math.max(1, until) : null)
    })
  }

  /** Pages of the feed after a seq, each fetched while the previous one is being stored. */
  private async readPages(after: number, query: string, store: (page: FeedPage, reached: number) => Promise<void>): Promise<void> {
    const fetchPage = (from: number) => api<unknown>(`/api/feed?after=${from}&limit=${PAGE}${query}`).then(parseFeedPage)
    let next = fetchPage(after)
    let position = after
    for (;;) {
      const page = await next
      if (this.stopped) return
      const last = page.entries.at(-1)?.seq ?? position
      // Entries superseded later leave holes in the seqs, so once the page is the last one the
      // position jumps to the account's newest seq rather than to the last entry's (not for a
      // bounded read: its end is its bound).
      const reached = page.hasMore ? last : query.includes('until=') ? last : Math.max(last, page.lastSeq)
      if (page.hasMore) {
        next = fetchPage(reached)
        // Awaited on the next turn; a failure of this page must not also surface as unhandled.
        next.catch(() => undefined)
      }
      await store(page, reached)
      position = reached
      if (!page.hasMore) return
    }
  }

  private applyPush(push: FeedPush): Promise<void> {
    return this.enqueue(async () => {
      const cursor = (await readMeta(this.db, 'cursor')) ?? 0
      if (push.after > cursor) return this.pullNow()
      const fresh = push.entries.filter((e) => e.seq > cursor)
      const reached = Math.max(push.upTo ?? 0, fresh.at(-1)?.seq ?? 0)
      if (reached <= cursor) return
      await applyFeedEntries(this.db, fresh, reached)
      if (fresh.length > 0) this.events.onEntries(fresh)
    })
  }

  private connect(): void {
    const socket = new WebSocket(socketUrl('/api/feed/live'))
    this.socket = socket
    socket.onopen = () => {
      this.attempts = 0
      this.events.onConnection(true)
      // Catch up on what happened while away; pushes queue behind this pull.
      this.pull().catch((error: unknown) => this.handleError(error))
    }
    socket.onmessage = (event) => {
      const data = JSON.parse(String(event.data)) as { type?: unknown; after?: unknown; entries?: unknown; upTo?: unknown }
      if (data.type === 'entries' && typeof data.after === 'number' && Array.isArray(data.entries)) {
        let entries: FeedEntry[]
        try {
          entries = parseFeedEntries(data.entries)
        } catch {
          // A push this version cannot read is fetched again as a page, where the failure is reported.
          void this.pull().catch((error: unknown) => this.handleError(error))
          return
        }
        const upTo = typeof data.upTo === 'number' ? data.upTo : undefined
        this.applyPush({ type: 'entries', after: data.after, entries, upTo }).catch((error: unknown) => this.handleError(error))
        return
      }
      const parsed = FeedSocketMessage.safeParse(data)
      if (parsed.success && parsed.data.type === 'presence') this.events.onPresence(parsed.data)
    }
    let opened = false
    socket.addEventListener('open', () => (opened = true))
    socket.onclose = (event) => {
      if (this.socket !== socket) return
      this.socket = null
      this.events.onConnection(false)
      if (this.stopped) return
      // The server ended the session (signed out everywhere, deactivated, password changed).
      if (event.code === SESSION_ENDED_CLOSE_CODE) return this.events.onUnauthorized()
      // A refused upgrade looks like any other failure to a browser; an HTTP pull tells a signed-out
      // agent (401) from a server that is down.
      if (!opened) this.pull().catch((error: unknown) => this.handleError(error))
      this.retryTimer = setTimeout(() => this.connect(), backoffDelay(this.attempts++, { base: 500, max: 15_000 }))
    }
  }

  private handleError(error: unknown): void {
    if ((error as { status?: number }).status === 401) this.events.onUnauthorized()
    else {
      console.warn('feed sync failed; retrying on reconnect', error)
      if (!(error instanceof NetworkError)) this.events.onTrouble((error as Error).message ?? String(error))
    }
    // A failed catch-up leaves the cursor where it was; reconnecting starts it again.
    this.socket?.close()
  }
}
