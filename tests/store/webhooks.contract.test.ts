import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { NewJob } from '../../server/store/jobs.ts'
import type { DeliveryRecord, WebhookRecord } from '../../server/store/webhooks.ts'
import { storeBackends } from '../support/stores.ts'
import { jobsOf, seedAccount, useStore } from './fixture.ts'

// Webhooks and their delivery log: subscriptions by event, partial updates, deletion with the log,
// and a fan-out that writes each delivery with its job once, however often it runs.

const webhook = (accountId: string, fields: Partial<WebhookRecord> = {}): WebhookRecord => ({
  id: randomUUID(),
  accountId,
  url: 'https://hooks.example.com/in',
  secret: `whsec_${randomUUID()}`,
  events: ['message.created'],
  active: true,
  createdAt: 1_000,
  ...fields,
})

const delivery = (w: WebhookRecord, fields: Partial<DeliveryRecord> = {}): DeliveryRecord => ({
  id: randomUUID(),
  webhookId: w.id,
  accountId: w.accountId,
  eventId: randomUUID(),
  event: 'message.created',
  payload: '{"event":"message.created","data":{"body":"Hällo"}}',
  status: 'pending',
  attempts: 0,
  responseStatus: null,
  lastError: null,
  createdAt: 2_000,
  deliveredAt: null,
  ...fields,
})

const deliveryJob = (d: DeliveryRecord): NewJob => ({
  id: randomUUID(),
  kind: 'webhook',
  accountId: d.accountId,
  dedupeKey: `webhook:${d.id}`,
  payload: { deliveryId: d.id },
  runAt: d.createdAt,
  group: d.webhookId,
})

describe.each(storeBackends())('webhook store ($name)', (backend) => {
  const opened = useStore(backend)

  it('stores webhooks with their secret and lists an account\'s by creation', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const other = await seedAccount(store)
    const later = webhook(w.accountId, { createdAt: 2_000, events: ['conversation.status_changed', 'message.created'] })
    const first = webhook(w.accountId, { createdAt: 1_000, active: false })
    for (const h of [later, first, webhook(other.accountId)]) await store.webhooks.insert(h)
    expect(await store.webhooks.get(later.id)).toEqual(later)
    expect(await store.webhooks.get(randomUUID())).toBeNull()
    expect(await store.webhooks.list(w.accountId)).toEqual([first, later])
    expect(await store.webhooks.list(randomUUID())).toEqual([])
  })

  it('lists the active webhooks subscribed to an event', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const other = await seedAccount(store)
    const messages = webhook(w.accountId, { createdAt: 1 })
    const both = webhook(w.accountId, { createdAt: 2, events: ['conversation.assignee_changed', 'message.created'] })
    const status = webhook(w.accountId, { createdAt: 3, events: ['conversation.status_changed'] })
    const paused = webhook(w.accountId, { createdAt: 4, active: false })
    for (const h of [messages, both, status, paused, webhook(other.accountId)]) await store.webhooks.insert(h)
    expect((await store.webhooks.listSubscribed(w.accountId, 'message.created')).map((h) => h.id)).toEqual([messages.id, both.id])
    expect((await store.webhooks.listSubscribed(w.accountId, 'conversation.status_changed')).map((h) => h.id)).toEqual([status.id])
    expect((await store.webhooks.listSubscribed(w.accountId, 'conversation.assignee_changed')).map((h) => h.id)).toEqual([both.id])
  })

  it('updates only the fields given', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const h = webhook(w.accountId)
    await store.webhooks.insert(h)
    await store.webhooks.update(h.id, { active: false })
    expect(await store.webhooks.get(h.id)).toEqual({ ...h, active: false })
    await store.webhooks.update(h.id, { url: 'https://other.example.com/x', events: ['conversation.status_changed'] })
    expect(await store.webhooks.get(h.id)).toEqual({ ...h, active: false, url: 'https://other.example.com/x', events: ['conversation.status_changed'] })
    await store.webhooks.update(h.id, { secret: 'whsec_new', active: true })
    expect(await store.webhooks.get(h.id)).toEqual({ ...h, active: true, url: 'https://other.example.com/x', events: ['conversation.status_changed'], secret: 'whsec_new' })
    await store.webhooks.update(h.id, {})
    expect((await store.webhooks.get(h.id))?.secret).toBe('whsec_new')
  })

  it('writes each delivery with its job; a delivery of the same event to the same webhook is skipped with its job', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const a = webhook(w.accountId)
    const b = webhook(w.accountId)
    await store.webhooks.insert(a)
    await store.webhooks.insert(b)
    const eventId = randomUUID()
    const da = delivery(a, { eventId })
    const db = delivery(b, { eventId })
    await store.webhooks.insertDeliveries([{ delivery: da, job: deliveryJob(da) }, { delivery: db, job: deliveryJob(db) }], 2_000)
    expect(await store.webhooks.getDelivery(da.id)).toEqual(da)
    expect(await store.webhooks.getDelivery(randomUUID())).toBeNull()
    const jobs = await jobsOf(store, w.accountId)
    expect(jobs.map((j) => j.dedupe_key).sort()).toEqual([`webhook:${da.id}`, `webhook:${db.id}`].sort())
    expect(jobs.every((j) => j.created_at === 2_000)).toBe(true)

    // The fan-out ran again (its process died before marking it done): new ids, same event.
    const again = delivery(a, { eventId })
    await store.webhooks.insertDeliveries([{ delivery: again, job: deliveryJob(again) }], 3_000)
    expect(await store.webhooks.getDelivery(again.id)).toBeNull()
    expect(await jobsOf(store, w.accountId)).toHaveLength(2)
    expect(await store.webhooks.listDeliveries(a.id, 10)).toEqual([da])

    // Test deliveries carry no event id: each is its own.
    const t1 = delivery(a, { eventId: null, createdAt: 4_000 })
    const t2 = delivery(a, { eventId: null, createdAt: 4_000 })
    await store.webhooks.insertDeliveries([{ delivery: t1, job: deliveryJob(t1) }, { delivery: t2, job: deliveryJob(t2) }], 4_000)
    expect(await jobsOf(store, w.accountId)).toHaveLength(4)
  })

  it('a fan-out whose job cannot be written leaves no delivery either', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const h = webhook(w.accountId)
    await store.webhooks.insert(h)
    const ok = delivery(h)
    const broken = delivery(h)
    // The second job has no kind: the insert fails, and the first delivery rolls back with it.
    const badJob = { ...deliveryJob(broken), kind: null as unknown as string }
    await expect(store.webhooks.insertDeliveries([{ delivery: ok, job: deliveryJob(ok) }, { delivery: broken, job: badJob }], 1)).rejects.toThrow()
    expect(await store.webhooks.getDelivery(ok.id)).toBeNull()
    expect(await jobsOf(store, w.accountId)).toEqual([])
  })

  it('lists a webhook\'s deliveries newest first, ties in reverse order of writing, up to the limit', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const h = webhook(w.accountId)
    await store.webhooks.insert(h)
    const old = delivery(h, { createdAt: 1_000 })
    const sameA = delivery(h, { createdAt: 5_000 })
    const sameB = delivery(h, { createdAt: 5_000 })
    const sameC = delivery(h, { createdAt: 5_000 })
    const mid = delivery(h, { createdAt: 3_000 })
    await store.webhooks.insertDeliveries([old, sameA, sameB].map((d) => ({ delivery: d, job: deliveryJob(d) })), 0)
    await store.webhooks.insertDeliveries([sameC, mid].map((d) => ({ delivery: d, job: deliveryJob(d) })), 0)
    expect((await store.webhooks.listDeliveries(h.id, 10)).map((d) => d.id)).toEqual([sameC.id, sameB.id, sameA.id, mid.id, old.id])
    expect((await store.webhooks.listDeliveries(h.id, 2)).map((d) => d.id)).toEqual([sameC.id, sameB.id])
    expect(await store.webhooks.listDeliveries(randomUUID(), 10)).toEqual([])
  })

  it('records each attempt\'s outcome', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const h = webhook(w.accountId)
    await store.webhooks.insert(h)
    const d = delivery(h)
    await store.webhooks.insertDeliveries([{ delivery: d, job: deliveryJob(d) }], 0)
    await store.webhooks.recordAttempt(d.id, { status: 'retrying', attempts: 1, responseStatus: 503, lastError: 'HTTP 503', deliveredAt: null })
    expect(await store.webhooks.getDelivery(d.id)).toEqual({ ...d, status: 'retrying', attempts: 1, responseStatus: 503, lastError: 'HTTP 503' })
    await store.webhooks.recordAttempt(d.id, { status: 'delivered', attempts: 2, responseStatus: 200, lastError: null, deliveredAt: 9_000 })
    expect(await store.webhooks.getDelivery(d.id)).toEqual({ ...d, status: 'delivered', attempts: 2, responseStatus: 200, lastError: null, deliveredAt: 9_000 })
  })

  it('deleting a webhook removes its delivery log, not another\'s', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const gone = webhook(w.accountId)
    const kept = webhook(w.accountId)
    await store.webhooks.insert(gone)
    await store.webhooks.insert(kept)
    const dg = delivery(gone)
    const dk = delivery(kept)
    await store.webhooks.insertDeliveries([dg, dk].map((d) => ({ delivery: d, job: deliveryJob(d) })), 0)
    await store.webhooks.delete(gone.id)
    expect(await store.webhooks.get(gone.id)).toBeNull()
    expect(await store.webhooks.getDelivery(dg.id)).toBeNull()
    expect(await store.webhooks.get(kept.id)).toEqual(kept)
    expect(await store.webhooks.getDelivery(dk.id)).toEqual(dk)
  })

  it('two processes fanning out one event at once write each delivery and job once', async () => {
    const own = await backend.open()
    try {
      const twin = await own.openTwin()
      const w = await seedAccount(own.store)
      const hooks = [webhook(w.accountId), webhook(w.accountId), webhook(w.accountId)]
      for (const h of hooks) await own.store.webhooks.insert(h)
      const eventId = randomUUID()
      const fanOut = () => hooks.map((h) => delivery(h, { eventId })).map((d) => ({ delivery: d, job: deliveryJob(d) }))
      await Promise.all([own.store, twin, own.store, twin].map((s) => s.webhooks.insertDeliveries(fanOut(), 0)))
      for (const h of hooks) expect(await own.store.webhooks.listDeliveries(h.id, 10)).toHaveLength(1)
      expect(await jobsOf(own.store, w.accountId)).toHaveLength(3)
    } finally {
      await own.close()
    }
  })
})
