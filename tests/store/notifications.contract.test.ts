import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { NewNotification } from '../../server/store/notifications.ts'
import type { Store } from '../../server/store/types.ts'
import { storeBackends } from '../support/stores.ts'
import { type World, feedOf, newConversation, seedAccount, useStore } from './fixture.ts'

// Agents' notifications on both stores: one per (agent, cause) however often or concurrently it is
// created, an agent-only feed entry superseded when read, read one by one or all at once.

async function notificationFor(store: Store, w: World, agentId: string, cause: string, createdAt = 5_000): Promise<NewNotification> {
  const { row } = await newConversation(store, w)
  return {
    id: randomUUID(),
    accountId: w.accountId,
    agentId,
    cause,
    type: 'mention',
    conversationId: row.id,
    conversationNumber: row.number,
    actorId: w.agentId,
    messageId: randomUUID(),
    createdAt,
  }
}

async function secondAgent(store: Store, w: World): Promise<string> {
  const id = randomUUID()
  await store.directory.createAgent({ id, accountId: w.accountId, name: 'Bob', email: `bob-${id}@example.com`, role: 'agent', passwordHash: 'h' }, 1_000)
  return id
}

describe.each(storeBackends())('notification store ($name)', (backend) => {
  const opened = useStore(backend)

  it('creates once per agent and cause, even when created concurrently; the first one is returned', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const bob = await secondAgent(store, w)
    const n = await notificationFor(store, w, bob, 'mention:m1')
    const results = await Promise.all([0, 1, 2, 3].map((i) => store.notifications.create({ ...n, id: i === 0 ? n.id : randomUUID() })))
    expect(results.filter((r) => r.created)).toHaveLength(1)
    const first = results.find((r) => r.created)!.notification
    for (const r of results) expect(r.notification).toEqual(first)
    expect(results.flatMap((r) => r.entries)).toHaveLength(1)
    expect(first).toMatchObject({ agentId: bob, type: 'mention', readAt: null, conversationNumber: n.conversationNumber })
    // The same cause for another agent is another notification.
    expect((await store.notifications.create({ ...n, id: randomUUID(), agentId: w.agentId })).created).toBe(true)
  })

  it('its feed entry is for its agent alone, and marking it read supersedes it', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const bob = await secondAgent(store, w)
    const { notification } = await store.notifications.create(await notificationFor(store, w, bob, 'mention:m2'))
    const mine = (await feedOf(store, w.accountId, bob)).filter((e) => e.kind === 'notification')
    expect(mine).toEqual([expect.objectContaining({ notification })])
    expect((await feedOf(store, w.accountId, w.agentId)).some((e) => e.kind === 'notification')).toBe(false)

    const read = await store.notifications.markRead(notification.id, 9_000)
    expect(read?.notification.readAt).toBe(9_000)
    expect(read?.entries).toHaveLength(1)
    // Read again: nothing changes, no entry.
    expect(await store.notifications.markRead(notification.id, 9_500)).toEqual({ notification: read!.notification, entries: [] })
    const after = (await feedOf(store, w.accountId, bob)).filter((e) => e.kind === 'notification')
    expect(after).toEqual([expect.objectContaining({ notification: { ...notification, readAt: 9_000 } })])
    expect(await store.notifications.get(notification.id)).toEqual({ ...notification, readAt: 9_000 })
    expect(await store.notifications.markRead(randomUUID(), 1)).toBeNull()
    expect(await store.notifications.get(randomUUID())).toBeNull()
  })

  it('marks all of one agent read, not another agent\'s, and lists newest first', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const bob = await secondAgent(store, w)
    const older = (await store.notifications.create(await notificationFor(store, w, bob, 'a', 5_000))).notification
    const newer = (await store.notifications.create(await notificationFor(store, w, bob, 'b', 6_000))).notification
    const alices = (await store.notifications.create(await notificationFor(store, w, w.agentId, 'c', 7_000))).notification
    expect((await store.notifications.listForAgent(bob, 10)).map((n) => n.id)).toEqual([newer.id, older.id])
    expect((await store.notifications.listForAgent(bob, 1)).map((n) => n.id)).toEqual([newer.id])

    const all = await store.notifications.markAllRead(bob, 8_000)
    expect(all.notifications.map((n) => n.id).sort()).toEqual([older.id, newer.id].sort())
    expect(all.entries).toHaveLength(2)
    expect((await store.notifications.markAllRead(bob, 8_500)).entries).toEqual([])
    expect((await store.notifications.listForAgent(bob, 10)).every((n) => n.readAt === 8_000)).toBe(true)
    expect((await store.notifications.get(alices.id))?.readAt).toBeNull()
  })
})
