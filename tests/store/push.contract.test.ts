import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { PushSubscriptionRecord } from '../../server/store/push.ts'
import { storeBackends } from '../support/stores.ts'
import { seedAccount, useStore } from './fixture.ts'

// Web Push: one VAPID key pair per deployment whoever writes first, and browser subscriptions that
// belong to one agent at a time.

const subscription = (accountId: string, agentId: string, fields: Partial<PushSubscriptionRecord> = {}): PushSubscriptionRecord => ({
  id: randomUUID(),
  accountId,
  agentId,
  endpoint: `https://push.example.com/${randomUUID()}`,
  p256dh: 'p256dh-key',
  auth: 'auth-secret',
  createdAt: 1_000,
  ...fields,
})

describe.each(storeBackends())('push store ($name)', (backend) => {
  const opened = useStore(backend)

  it('keeps the first VAPID key pair written, for every process that offers one', async () => {
    const { store } = opened
    const offers = ['a', 'b', 'c', 'd'].map((k) => ({ publicKey: `public-${k}`, privateKey: `private-${k}` }))
    const results = await Promise.all(offers.map((keys) => store.push.vapidKeys(keys, 1)))
    expect(new Set(results.map((r) => r.publicKey)).size).toBe(1)
    expect(offers).toContainEqual(results[0])
    expect(await store.push.vapidKeys({ publicKey: 'later', privateKey: 'later' }, 2)).toEqual(results[0])
  })

  it("lists an agent's own subscriptions; another agent takes an endpoint only with its auth secret", async () => {
    const { store } = opened
    const { accountId, agentId } = await seedAccount(store)
    const other = randomUUID()
    const mine = subscription(accountId, agentId)
    expect(await store.push.saveSubscription(mine)).toBe(true)
    expect(await store.push.listSubscriptions(agentId)).toEqual([mine])

    // Same agent again, new keys: replaced, same id.
    expect(await store.push.saveSubscription({ ...mine, id: randomUUID(), p256dh: 'new-key', auth: 'new-auth' })).toBe(true)
    expect(await store.push.getSubscription(mine.id)).toEqual({ ...mine, p256dh: 'new-key', auth: 'new-auth' })

    // Another agent with another secret: refused, nothing changes.
    expect(await store.push.saveSubscription(subscription(accountId, other, { endpoint: mine.endpoint, auth: 'guess' }))).toBe(false)
    expect((await store.push.getSubscription(mine.id))?.agentId).toBe(agentId)

    // The same browser signed in as the other agent (same secret): it moves.
    expect(await store.push.saveSubscription(subscription(accountId, other, { endpoint: mine.endpoint, auth: 'new-auth' }))).toBe(true)
    expect(await store.push.listSubscriptions(agentId)).toEqual([])
    expect((await store.push.listSubscriptions(other)).map((s) => s.endpoint)).toEqual([mine.endpoint])
  })

  it("deletes only the agent's own subscription by endpoint, and any by id", async () => {
    const { store } = opened
    const { accountId, agentId } = await seedAccount(store)
    const mine = subscription(accountId, agentId)
    await store.push.saveSubscription(mine)
    expect(await store.push.deleteSubscription(randomUUID(), mine.endpoint)).toBe(false)
    expect(await store.push.deleteSubscription(agentId, mine.endpoint)).toBe(true)
    expect(await store.push.getSubscription(mine.id)).toBeNull()
    const again = subscription(accountId, agentId)
    await store.push.saveSubscription(again)
    await store.push.deleteSubscriptionById(again.id)
    expect(await store.push.listSubscriptions(agentId)).toEqual([])
    await store.push.saveSubscription(subscription(accountId, agentId))
    await store.push.saveSubscription(subscription(accountId, agentId))
    const others = subscription(accountId, randomUUID())
    await store.push.saveSubscription(others)
    await store.push.deleteAgentSubscriptions(agentId)
    expect(await store.push.listSubscriptions(agentId)).toEqual([])
    expect(await store.push.getSubscription(others.id)).toEqual(others)
  })
})
