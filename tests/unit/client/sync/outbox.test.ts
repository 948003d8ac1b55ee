import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError, NetworkError } from '../../../../client/api/http.ts'
import type { InboxDatabase } from '../../../../client/db/database.ts'
import type { OutboxItem, OutboxState } from '../../../../client/db/records.ts'
import { type NewOutboxItem, OutboxSender, enqueue, sendable } from '../../../../client/sync/outbox.ts'
import { freshDatabase, ids, message } from '../fixtures.ts'

const conversationA = '3d1f6a10-8c1b-4e59-9a41-00000000000a'
const conversationB = '3d1f6a10-8c1b-4e59-9a41-00000000000b'

function item(over: Partial<OutboxItem> & Pick<OutboxItem, 'createdAt'>): OutboxItem {
  return {
    id: crypto.randomUUID(),
    conversationId: conversationA,
    kind: 'reply',
    body: 'Thanks, looking into it',
    basedOnSeq: 3,
    authorAgentId: ids.alice,
    state: 'waiting',
    error: null,
    attempts: 0,
    ...over,
  }
}

const newItem = (over: Partial<NewOutboxItem> = {}): NewOutboxItem => ({
  id: crypto.randomUUID(),
  conversationId: conversationA,
  kind: 'reply',
  body: 'Thanks, looking into it',
  basedOnSeq: 3,
  authorAgentId: ids.alice,
  ...over,
})

describe('sendable', () => {
  it('sends the oldest first', () => {
    const late = item({ createdAt: 30, conversationId: conversationA })
    const early = item({ createdAt: 10, conversationId: conversationB })
    expect(sendable([late, early]).map((i) => i.id)).toEqual([early.id, late.id])
  })

  it('holds back a later item of a conversation until the earlier one is accepted', () => {
    const second = item({ createdAt: 20 })
    const first = item({ createdAt: 10 })
    const other = item({ createdAt: 15, conversationId: conversationB })
    expect(sendable([second, other, first]).map((i) => i.id)).toEqual([first.id, other.id])
  })

  it('treats an item in flight as unsent: nothing of its conversation passes it', () => {
    const inFlight = item({ createdAt: 10, state: 'sending' })
    const next = item({ createdAt: 20 })
    expect(sendable([next, inFlight]).map((i) => i.id)).toEqual([inFlight.id])
  })

  it.each<OutboxState>(['sent', 'failed'])('skips a %s item, and it does not hold back the next one', (state) => {
    const done = item({ createdAt: 10, state })
    const next = item({ createdAt: 20 })
    expect(sendable([done, next]).map((i) => i.id)).toEqual([next.id])
  })

  it('returns nothing when nothing waits', () => {
    expect(sendable([])).toEqual([])
    expect(sendable([item({ createdAt: 1, state: 'sent' }), item({ createdAt: 2, state: 'failed' })])).toEqual([])
  })

  it('does not reorder the array it was given', () => {
    const items = [item({ createdAt: 2 }), item({ createdAt: 1 })]
    const before = items.map((i) => i.id)
    sendable(items)
    expect(items.map((i) => i.id)).toEqual(before)
  })
})

describe('outbox on the device', () => {
  let db: InboxDatabase
  beforeEach(() => {
    db = freshDatabase()
  })
  afterEach(async () => {
    vi.unstubAllGlobals()
    await db.delete()
  })

  interface Call {
    url: string
    method: string
    contentType: string | null
    body: Record<string, unknown>
  }

  /** Stubs fetch with `answer`, recording every request the sender makes. */
  function stubFetch(answer: (call: Call) => Response | Promise<Response>): Call[] {
    const calls: Call[] = []
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      const call: Call = {
        url,
        method: init.method ?? 'GET',
        contentType: new Headers(init.headers).get('content-type'),
        body: JSON.parse(String(init.body)) as Record<string, unknown>,
      }
      calls.push(call)
      return answer(call)
    })
    return calls
  }

  const json = (status: number, body: unknown): Response =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

  /** The server's answer to an accepted message. */
  const accepted = (call: Call, duplicate = false): Response =>
    json(duplicate ? 200 : 201, {
      message: message(conversationA, 9, { id: String(call.body.id), kind: 'reply', body: String(call.body.body) }),
      duplicate,
    })

  it('enqueue stores a waiting item with its time and no attempts', async () => {
    const queued = newItem({ kind: 'note', body: 'Customer is on the enterprise plan' })
    await enqueue(db, queued, 1_234)
    expect(await db.outbox.get(queued.id)).toEqual({ ...queued, createdAt: 1_234, state: 'waiting', error: null, attempts: 0 })
  })

  it('enqueue refuses a second item with the same id (the id is the idempotency key)', async () => {
    const queued = newItem()
    await enqueue(db, queued, 1)
    await expect(enqueue(db, { ...queued, body: 'changed' }, 2)).rejects.toThrow()
    expect((await db.outbox.get(queued.id))?.body).toBe(queued.body)
  })

  it('sends an item and marks it sent; the request carries id, kind, body and basedOnSeq', async () => {
    const queued = newItem({ body: 'Refund issued', basedOnSeq: 7 })
    await enqueue(db, queued, 1)
    const calls = stubFetch((call) => accepted(call))

    await new OutboxSender(db).flush()

    expect(calls).toEqual([
      {
        url: `/api/conversations/${conversationA}/messages`,
        method: 'POST',
        contentType: 'application/json',
        body: { id: queued.id, kind: 'reply', body: 'Refund issued', basedOnSeq: 7, force: false },
      },
    ])
    expect(await db.outbox.get(queued.id)).toMatchObject({ state: 'sent', error: null, attempts: 1 })
  })

  it('counts a duplicate answer (a retry the server already stored) as sent', async () => {
    const queued = newItem()
    await enqueue(db, queued, 1)
    const calls = stubFetch((call) => accepted(call, true))
    await new OutboxSender(db).flush()
    expect(calls).toHaveLength(1)
    expect(await db.outbox.get(queued.id)).toMatchObject({ state: 'sent' })
  })

  it('puts the item back to waiting when the server cannot be reached, and reports the error', async () => {
    const queued = newItem()
    await enqueue(db, queued, 1)
    stubFetch(() => {
      throw new TypeError('fetch failed')
    })

    const flushing = new OutboxSender(db).flush()
    await expect(flushing).rejects.toBeInstanceOf(NetworkError)
    await expect(flushing).rejects.toThrow('fetch failed')
    expect(await db.outbox.get(queued.id)).toMatchObject({ state: 'waiting', error: null, attempts: 1 })
  })

  it.each([500, 503, 401, 408, 429])('keeps the item waiting after a %i, which a later try may pass', async (status) => {
    const queued = newItem()
    await enqueue(db, queued, 1)
    stubFetch(() => json(status, { error: 'try later' }))
    await expect(new OutboxSender(db).flush()).rejects.toSatisfy((e) => e instanceof ApiError && e.status === status)
    expect(await db.outbox.get(queued.id)).toMatchObject({ state: 'waiting', attempts: 1 })
  })

  it("marks a refused item failed with the server's reason, and does not retry it by itself", async () => {
    const queued = newItem({ body: '' })
    await enqueue(db, queued, 1)
    const calls = stubFetch(() => json(422, { error: 'body: too short', fields: [{ path: 'body', message: 'too short' }] }))

    await new OutboxSender(db).flush()

    expect(calls).toHaveLength(1)
    expect(await db.outbox.get(queued.id)).toMatchObject({ state: 'failed', error: 'body: too short', attempts: 1 })
  })

  it('names the status when a refusal has no readable reason', async () => {
    const queued = newItem()
    await enqueue(db, queued, 1)
    stubFetch(() => new Response('<html>Forbidden</html>', { status: 403 }))
    await new OutboxSender(db).flush()
    expect(await db.outbox.get(queued.id)).toMatchObject({ state: 'failed', error: 'request failed (403)' })
  })

  it("sends a conversation's items in order, the second only once the first is accepted", async () => {
    const first = newItem({ body: 'first' })
    const second = newItem({ body: 'second' })
    const elsewhere = newItem({ body: 'other conversation', conversationId: conversationB })
    await enqueue(db, second, 20)
    await enqueue(db, first, 10)
    await enqueue(db, elsewhere, 15)
    const firstStateWhenSecondWent: (OutboxState | undefined)[] = []
    const calls = stubFetch(async (call) => {
      if (call.body.id === second.id) firstStateWhenSecondWent.push((await db.outbox.get(first.id))?.state)
      return accepted(call)
    })

    await new OutboxSender(db).flush()

    expect(calls.map((c) => c.body.body)).toEqual(['first', 'other conversation', 'second'])
    expect(firstStateWhenSecondWent).toEqual(['sent'])
    expect((await db.outbox.toArray()).map((i) => i.state)).toEqual(['sent', 'sent', 'sent'])
  })

  it('stops at a network failure without sending later items of the conversation', async () => {
    const first = newItem({ body: 'first' })
    const second = newItem({ body: 'second' })
    await enqueue(db, first, 10)
    await enqueue(db, second, 20)
    const calls = stubFetch(() => {
      throw new TypeError('fetch failed')
    })
    await expect(new OutboxSender(db).flush()).rejects.toThrow('fetch failed')
    expect(calls.map((c) => c.body.id)).toEqual([first.id])
    expect(await db.outbox.get(second.id)).toMatchObject({ state: 'waiting', attempts: 0 })
  })

  it('retry() sends a failed item again', async () => {
    const queued = newItem()
    await enqueue(db, queued, 1)
    let refuse = true
    const calls = stubFetch((call) => (refuse ? json(409, { error: 'conversation is closed' }) : accepted(call)))
    const sender = new OutboxSender(db)
    await sender.flush()
    expect(await db.outbox.get(queued.id)).toMatchObject({ state: 'failed', error: 'conversation is closed' })

    refuse = false
    await sender.retry(queued.id)

    expect(calls.map((c) => c.body.id)).toEqual([queued.id, queued.id])
    expect(await db.outbox.get(queued.id)).toMatchObject({ state: 'sent', error: null, attempts: 2 })
  })

  it('a flush asked for while one runs also sends what was queued meanwhile', async () => {
    const first = newItem({ body: 'first', conversationId: conversationA })
    const later = newItem({ body: 'later', conversationId: conversationB })
    await enqueue(db, first, 1)
    const sender = new OutboxSender(db)
    let second: Promise<void> | null = null
    stubFetch(async (call) => {
      if (call.body.id === first.id) {
        await enqueue(db, later, 2)
        second = sender.flush()
      }
      return accepted(call)
    })

    await sender.flush()
    await second

    expect(second).not.toBeNull()
    expect(await db.outbox.get(later.id)).toMatchObject({ state: 'sent', attempts: 1 })
  })
})
