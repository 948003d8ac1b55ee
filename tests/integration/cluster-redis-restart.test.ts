import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { addLabel, readLabels } from '../../shared/conversation-doc.ts'
import { eventually } from '../support/eventually.ts'
import { TestServer } from '../support/server.ts'
import { PrivateRedis, uniquePrefix } from '../support/redis.ts'
import { SocketPool } from '../support/ws-client.ts'

/** A server on a fresh database and a second process on it start here: slow on a busy machine (PostgreSQL). */
const STARTS_MS = 120_000

// Issue 11: Redis carries nothing that matters (DESIGN §6). Killed in the middle of a burst of edits
// made on two processes, and started again empty, it loses every message in flight; the processes
// reconnect, catch up from the database, and every device ends with every edit.

describe('Redis restarted in the middle of a burst', () => {
  let redis: PrivateRedis
  let a: TestServer
  let b: TestServer
  const sockets = new SocketPool()

  beforeAll(async () => {
    redis = await PrivateRedis.start()
    a = await TestServer.start({ env: { REDIS_URL: redis.url, REDIS_PREFIX: uniquePrefix('restart') } })
    b = await a.peer()
  }, STARTS_MS)
  afterEach(() => sockets.closeAll())
  afterAll(async () => {
    await b?.close()
    await a?.close()
    await redis?.kill()
  })

  it('every client, on either process, converges on every edit, and so does the row', async () => {
    const { conversationId } = await a.customerWrites({ email: 'burst@customer.test' }, 'Hello')
    const [aliceToken, bobToken] = await Promise.all([a.tokenFor(a.acme.alice), b.tokenFor(b.acme.bob)])
    const clients = [
      await sockets.room(a, conversationId, { token: aliceToken }),
      await sockets.room(b, conversationId, { token: bobToken }),
      await sockets.room(b, conversationId, { token: aliceToken }),
    ]
    const [onA, onB] = clients as [(typeof clients)[0], (typeof clients)[0]]
    const feed = await sockets.feed(b, { token: bobToken })
    let replySeq = 0
    const expected: string[] = []
    const pace = () => new Promise((resolve) => setTimeout(resolve, 15))
    for (let i = 0; i < 30; i++) {
      if (i === 10) {
        await redis.kill()
        // Its push is lost with Redis: B's feed socket must still learn that it is behind.
        await a.customerWrites({ email: 'burst@customer.test' }, 'Are you there?')
        replySeq = await a.ctx.store.feed.lastSeq(a.acme.accountId)
      }
      if (i === 20) await redis.launch()
      addLabel(onA.doc, `a-${i}`, { by: a.acme.alice.id, at: Date.now() })
      addLabel(onB.doc, `b-${i}`, { by: b.acme.bob.id, at: Date.now() })
      expected.push(`a-${i}`, `b-${i}`)
      // A burst spread over time, so that edits fall before, during and after the outage.
      await pace()
    }
    expected.sort()
    for (const client of clients) await eventually(() => expect(readLabels(client.doc)).toEqual(expected), { timeout: 15_000 })
    // After the reconnection, an empty push at the feed's head (at least that message's seq): a client
    // whose cursor is behind it pulls, even if nothing else is ever pushed.
    expect(replySeq).toBeGreaterThan(0)
    await eventually(() => expect(feed.pushes.some((p) => p.entries.length === 0 && p.after >= replySeq)).toBe(true), { timeout: 5_000 })
    const alice = await b.clientFor(b.acme.alice)
    await eventually(async () => expect((await alice.conversation(conversationId)).conversation.labels).toEqual(expected), { timeout: 5_000 })
  })
})
