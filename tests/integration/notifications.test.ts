import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { FeedEntry } from '../../shared/schemas/feed.ts'
import type { AgentNotification } from '../../shared/schemas/notifications.ts'
import type { NotificationMessage } from '../../server/services/notifications.ts'
import { eventually } from '../support/eventually.ts'
import { type AgentClient, TestServer, expectStatus } from '../support/server.ts'
import { SocketPool } from '../support/ws-client.ts'

// Issue 12: an agent is notified when mentioned in a note, given a conversation by someone else, or
// when the customer writes in a conversation assigned to them; once per cause, to that agent alone,
// through the feed (pull and push); read one by one or all at once.

type NotificationEntry = Extract<FeedEntry, { kind: 'notification' }>
const notificationsIn = (entries: FeedEntry[]): AgentNotification[] =>
  entries.filter((e): e is NotificationEntry => e.kind === 'notification').map((e) => e.notification)

describe('notifications', () => {
  let server: TestServer
  let alice: AgentClient
  let bob: AgentClient
  let mallory: AgentClient
  const sockets = new SocketPool()
  const told: { notification: AgentNotification; message: NotificationMessage }[] = []

  beforeAll(async () => {
    server = await TestServer.start()
    ;[alice, bob, mallory] = await Promise.all([
      server.clientFor(server.acme.alice),
      server.clientFor(server.acme.bob),
      server.clientFor(server.other.mallory),
    ])
    server.ctx.notifications.onCreated((notification, message) => void told.push({ notification, message }))
  })
  afterEach(() => sockets.closeAll())
  afterAll(() => server.close())

  const bobsOwn = async (conversationId: string) =>
    (await server.ctx.store.notifications.listForAgent(server.acme.bob.id, 100)).filter((n) => n.conversationId === conversationId)

  async function note(client: AgentClient, conversationId: string, mentions: string[], id = randomUUID()) {
    const { conversation } = await client.conversation(conversationId)
    return client.postMessage(conversationId, { id, kind: 'note', body: '@Bob can you look?', basedOnSeq: conversation.lastMessageSeq, mentions })
  }

  it('a mention in a note notifies the mentioned agent once, live and by pull, and nobody else', async () => {
    const { conversationId } = await server.customerWrites({ email: 'mention@customer.test' }, 'Help')
    const bobTablet = await sockets.feed(server, { token: bob.token })
    const aliceLaptop = await sockets.feed(server, { token: alice.token })
    const id = randomUUID()
    // Alice mentions herself too, and an id that is nobody of the account: neither is notified.
    const posted = expectStatus(await note(alice, conversationId, [server.acme.bob.id, server.acme.alice.id, server.other.mallory.id], id), 201)
    expect(posted.message.mentions).toEqual([server.acme.bob.id, server.acme.alice.id])

    await eventually(() => expect(notificationsIn(bobTablet.entries())).toHaveLength(1))
    const [pushed] = notificationsIn(bobTablet.entries())
    expect(pushed).toMatchObject({
      agentId: server.acme.bob.id,
      type: 'mention',
      conversationId,
      actorId: server.acme.alice.id,
      messageId: id,
      readAt: null,
    })
    expect(notificationsIn((await bob.feedAll()).entries).filter((n) => n.conversationId === conversationId)).toEqual([pushed])

    // The note POSTed again (a retry after a lost answer): the same note, no second notification.
    expect(expectStatus(await note(alice, conversationId, [server.acme.bob.id], id), 200).duplicate).toBe(true)
    await server.ctx.jobs.idle()
    expect(await bobsOwn(conversationId)).toHaveLength(1)

    // Alice's devices never get Bob's notification; she was not notified of her own mention.
    const { messageId } = await server.customerWrites({ email: 'mention@customer.test' }, 'Later')
    await eventually(() => expect(aliceLaptop.entries().some((e) => e.kind === 'message' && e.message.id === messageId)).toBe(true))
    expect(notificationsIn(aliceLaptop.entries())).toEqual([])
    expect(notificationsIn((await alice.feedAll()).entries)).toEqual([])

    const words = told.find((t) => t.notification.id === pushed!.id)!.message
    expect(words).toEqual({
      title: `${server.acme.alice.name} mentioned you in #${pushed!.conversationNumber}`,
      body: '@Bob can you look?',
      url: `/conversations/${conversationId}`,
      tag: pushed!.id,
    })
  })

  it('assigning a conversation to someone else notifies them; taking it yourself does not', async () => {
    const { conversationId } = await server.customerWrites({ email: 'assign@customer.test' }, 'Hi')
    await bob.patch(conversationId, { assigneeId: server.acme.bob.id })
    await alice.patch(conversationId, { assigneeId: server.acme.alice.id })
    await server.ctx.jobs.idle()
    expect(await bobsOwn(conversationId)).toEqual([])
    expect(notificationsIn((await alice.feedAll()).entries)).toEqual([])

    await alice.patch(conversationId, { assigneeId: server.acme.bob.id })
    await eventually(async () => expect(await bobsOwn(conversationId)).toHaveLength(1))
    const [given] = await bobsOwn(conversationId)
    expect(given).toMatchObject({ type: 'assigned', actorId: server.acme.alice.id, messageId: null })
    expect(told.find((t) => t.notification.id === given!.id)?.message.title).toBe(`${server.acme.alice.name} assigned #${given!.conversationNumber} to you`)
  })

  it('a customer message in a conversation assigned to you notifies you, once per message', async () => {
    const email = 'reply@customer.test'
    const { conversationId } = await server.customerWrites({ email, name: 'Dana' }, 'First')
    await bob.patch(conversationId, { assigneeId: server.acme.bob.id })
    const { messageId } = await server.customerWrites({ email, name: 'Dana' }, 'Are you there?')
    await eventually(async () => expect(await bobsOwn(conversationId)).toHaveLength(1))
    const [reply] = await bobsOwn(conversationId)
    expect(reply).toMatchObject({ type: 'customer_reply', messageId, actorId: null })
    const words = told.find((t) => t.notification.id === reply!.id)!.message
    expect(words.title).toBe(`New message from Dana in #${reply!.conversationNumber}`)
    expect(words.body).toBe('Are you there?')
  })

  it('read: your own only (404 for another agent), superseding the entry; read-all marks the rest', async () => {
    const { conversationId } = await server.customerWrites({ email: 'read@customer.test' }, 'Hello')
    expectStatus(await note(alice, conversationId, [server.acme.bob.id]), 201)
    expectStatus(await note(alice, conversationId, [server.acme.bob.id]), 201)
    await eventually(async () => expect(await bobsOwn(conversationId)).toHaveLength(2))
    const [newer, older] = await bobsOwn(conversationId)

    expect((await alice.request(`/api/notifications/${older!.id}/read`, { method: 'POST' })).status).toBe(404)
    expect((await mallory.request(`/api/notifications/${older!.id}/read`, { method: 'POST' })).status).toBe(404)
    expect((await bob.request(`/api/notifications/${randomUUID()}/read`, { method: 'POST' })).status).toBe(404)
    expect((await server.ctx.store.notifications.get(older!.id))?.readAt).toBeNull()

    const bobPhone = await sockets.feed(server, { token: bob.token })
    const read = expectStatus(await bob.request<{ notification: AgentNotification }>(`/api/notifications/${older!.id}/read`, { method: 'POST' }), 200)
    expect(read.notification.readAt).toEqual(expect.any(Number))
    await eventually(() => expect(notificationsIn(bobPhone.entries()).map((n) => n.id)).toEqual([older!.id]))
    // Idempotent: read again, nothing new.
    expect(expectStatus(await bob.request<{ notification: AgentNotification }>(`/api/notifications/${older!.id}/read`, { method: 'POST' }), 200).notification).toEqual(read.notification)
    // A device catching up reads the notification once, as it stands now.
    const caughtUp = notificationsIn((await bob.feedAll()).entries).filter((n) => n.id === older!.id)
    expect(caughtUp).toEqual([read.notification])

    const all = expectStatus(await bob.request<{ read: number }>('/api/notifications/read-all', { method: 'POST' }), 200)
    expect(all.read).toBeGreaterThanOrEqual(1)
    expect((await server.ctx.store.notifications.get(newer!.id))?.readAt).toEqual(expect.any(Number))
    expect(expectStatus(await bob.request<{ read: number }>('/api/notifications/read-all', { method: 'POST' }), 200).read).toBe(0)
    const listed = expectStatus(await bob.request<{ notifications: AgentNotification[] }>('/api/notifications'), 200).notifications
    expect(listed.every((n) => n.agentId === server.acme.bob.id && n.readAt !== null)).toBe(true)
  })
})
