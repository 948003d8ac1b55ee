import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually } from '../support/eventually.ts'
import { type AgentClient, TestServer, activityLines } from '../support/server.ts'
import { testRedisUrl, uniquePrefix } from '../support/redis.ts'

/** A server on a fresh database and a second process on it start here: slow on a busy machine (PostgreSQL). */
const STARTS_MS = 120_000

// Issue 11: work that changes things on a timer runs on one process of several, never on two at once.
// Both processes wake for the same due snoozes: each conversation reopens once, with one activity line.

const SNOOZE_ENDED = 'Snooze ended: the conversation is open again'

describe('snooze wake-ups with two processes', () => {
  let a: TestServer
  let b: TestServer
  let alice: AgentClient

  beforeAll(async () => {
    const url = await testRedisUrl()
    a = await TestServer.start({ env: { REDIS_URL: url, REDIS_PREFIX: uniquePrefix('once') } })
    b = await a.peer()
    alice = await a.clientFor(a.acme.alice)
  }, STARTS_MS)
  afterAll(async () => {
    await b?.close()
    await a?.close()
  })

  it('due snoozes seen by both processes at the same moment wake once each', async () => {
    // Their timers off: the test starts both rounds itself, at the same moment.
    a.ctx.waker.stop()
    b.ctx.waker.stop()
    const until = Date.now() + 400
    const ids: string[] = []
    for (let i = 0; i < 6; i++) {
      const { conversationId } = await a.customerWrites({ email: `once${i}@customer.test` }, 'Later please')
      await alice.patch(conversationId, { status: 'snoozed', snoozedUntil: until })
      ids.push(conversationId)
    }
    // Waiting for the time itself, not for an outcome: the snoozes must be due when both rounds start.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, until - Date.now() + 20)))
    await Promise.all([a.ctx.waker.wakeNow(), b.ctx.waker.wakeNow()])
    for (const id of ids) {
      await eventually(async () => {
        const view = await alice.conversation(id)
        expect(view.conversation.status).toBe('open')
        expect(activityLines(view).filter((line) => line === SNOOZE_ENDED)).toHaveLength(1)
      })
    }
  })
})
