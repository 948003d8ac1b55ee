import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { SESSION_ENDED_CLOSE_CODE } from '../../../../shared/schemas/admin.ts'
import type { InboxDatabase } from '../../../../client/db/database.ts'
import { FeedSync, type FeedEvents } from '../../../../client/sync/feed.ts'
import { freshDatabase } from '../fixtures.ts'

// The server closes the feed socket with 4401 when the agent's session ends (signed out everywhere,
// deactivated, password changed elsewhere): the app must hear it as "signed out", at once, and not
// retry the socket with a session that is gone.

class FakeSocket {
  static made: FakeSocket[] = []
  onopen: (() => void) | null = null
  onclose: ((event: { code: number }) => void) | null = null
  onmessage: ((event: { data: string }) => void) | null = null
  constructor(readonly url: string) {
    FakeSocket.made.push(this)
  }
  addEventListener(): void {}
  close(): void {}
}

let db: InboxDatabase
let events: FeedEvents
let onUnauthorized: ReturnType<typeof vi.fn<() => void>>
beforeEach(() => {
  vi.useFakeTimers()
  FakeSocket.made = []
  vi.stubGlobal('WebSocket', FakeSocket)
  vi.stubGlobal('location', { href: 'http://app.test/' })
  // The catch-up after a socket opens finds the server unreachable (not what these tests are about).
  vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('unreachable')))
  vi.spyOn(console, 'warn').mockImplementation(() => undefined)
  db = freshDatabase()
  onUnauthorized = vi.fn<() => void>()
  events = {
    onConnection: vi.fn(),
    onProgress: vi.fn(),
    onEntries: vi.fn(),
    onUnauthorized,
    onPresence: vi.fn(),
    onTrouble: vi.fn(),
    onHistory: vi.fn(),
  }
})
afterEach(async () => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
  await db.delete()
})

describe('the feed socket closed by the server', () => {
  it('with 4401 (session ended) reports the agent signed out and does not reconnect', async () => {
    const feed = new FeedSync(db, events)
    feed.start()
    expect(FakeSocket.made).toHaveLength(1)
    expect(FakeSocket.made[0]!.url).toBe('ws://app.test/api/feed/live')
    FakeSocket.made[0]!.onclose!({ code: SESSION_ENDED_CLOSE_CODE })
    expect(onUnauthorized).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(FakeSocket.made).toHaveLength(1)
    feed.stop()
  })

  it('for another reason (a restart) reconnects and says nothing about the session', async () => {
    const feed = new FeedSync(db, events)
    feed.start()
    FakeSocket.made[0]!.onopen!()
    FakeSocket.made[0]!.onclose!({ code: 1006 })
    await vi.advanceTimersByTimeAsync(20_000)
    expect(FakeSocket.made.length).toBeGreaterThan(1)
    expect(onUnauthorized).not.toHaveBeenCalled()
    feed.stop()
  })
})
