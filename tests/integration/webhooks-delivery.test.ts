import { createHmac, randomUUID } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { WebhookDelivery, WebhookWithSecret } from '../../shared/schemas/webhooks.ts'
import { eventually } from '../support/eventually.ts'
import { type AgentClient, TestServer, expectStatus } from '../support/server.ts'
import { WebhookReceiver, verifySignature } from '../support/webhook-receiver.ts'

// Webhooks deliver the account's events to a real receiver that verifies every signature; internal
// notes and activity lines never leave the inbox (DESIGN §4 rule 7).

describe('webhook deliveries', () => {
  let server: TestServer
  let alice: AgentClient
  let receiver: WebhookReceiver
  let webhookId: string

  beforeAll(async () => {
    server = await TestServer.start({ env: { WEBHOOK_ALLOW_PRIVATE: '1' } })
    alice = await server.clientFor(server.acme.alice)
    receiver = await WebhookReceiver.start()
    const created = expectStatus(
      await alice.request<WebhookWithSecret>('/api/webhooks', {
        json: { url: receiver.url, events: ['message.created', 'conversation.status_changed', 'conversation.assignee_changed'] },
      }),
      201,
    )
    receiver.secret = created.secret
    webhookId = created.webhook.id
  })
  afterEach(() => expect(receiver.rejected).toEqual([]))
  afterAll(async () => {
    await server.close()
    await receiver.close()
  })

  const log = async () =>
    expectStatus(await alice.request<{ deliveries: WebhookDelivery[] }>(`/api/webhooks/${webhookId}/deliveries`), 200).deliveries

  const messageDelivery = (messageId: string) =>
    eventually(() => {
      const found = receiver.of('message.created').find((d) => d.body.data.message.id === messageId)
      expect(found, `delivery of message ${messageId}`).toBeDefined()
      return found!
    })

  it('the receiver refuses a body or timestamp that the secret did not sign', () => {
    const raw = '{"id":"x"}'
    const now = Math.floor(Date.now() / 1000)
    const mac = (secret: string, t: number, body: string) =>
      `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`
    expect(verifySignature('whsec_a', raw, mac('whsec_a', now, raw), now)).toEqual({ ok: true, t: now })
    expect(verifySignature('whsec_a', raw, mac('whsec_b', now, raw), now)).toMatchObject({ ok: false })
    expect(verifySignature('whsec_a', raw, mac('whsec_a', now, '{"id":"y"}'), now)).toMatchObject({ ok: false })
    expect(verifySignature('whsec_a', raw, mac('whsec_a', now - 3600, raw), now)).toMatchObject({ ok: false, reason: expect.stringMatching(/recent/) })
  })

  it("a customer's message (API channel) arrives signed, with the message, the conversation and the contact", async () => {
    const { conversationId, messageId, contactId } = await server.customerWrites(
      { email: 'wendy@customer.test', name: 'Wendy Darling', attributes: { plan: 'pro' } },
      'My order has not arrived',
    )
    const d = await messageDelivery(messageId)
    expect(d.event).toBe('message.created')
    expect(d.body).toMatchObject({ event: 'message.created', accountId: server.acme.accountId, id: expect.any(String) })
    expect(Math.abs(d.body.createdAt - Date.now())).toBeLessThan(60_000)
    expect(d.body.data.message).toMatchObject({ id: messageId, conversationId, kind: 'incoming', body: 'My order has not arrived', authorAgentId: null })
    expect(d.body.data.conversation).toMatchObject({ id: conversationId, number: expect.any(Number), inboxId: server.acme.apiInbox.id })
    expect(d.body.data.contact).toEqual({ id: contactId, name: 'Wendy Darling', email: 'wendy@customer.test', attributes: { plan: 'pro' } })
    // The log names the same delivery, delivered at the first attempt.
    const entry = await eventually(async () => {
      const e = (await log()).find((l) => l.id === d.deliveryId)
      expect(e?.status).toBe('delivered')
      return e!
    })
    expect(entry).toMatchObject({ event: 'message.created', attempts: 1, responseStatus: 200, lastError: null, deliveredAt: expect.any(Number) })
  })

  it("an agent's reply is delivered; a note (and the activity lines) never are", async () => {
    const { conversationId, messageId: first } = await server.customerWrites({ email: 'xena@customer.test' }, 'Can I change my plan?')
    await messageDelivery(first)
    const reply = expectStatus(
      await alice.postMessage(conversationId, { id: randomUUID(), kind: 'reply', body: 'Yes, from Settings > Plan.', basedOnSeq: 0, force: true }),
      201,
    ).message
    // The note is now the conversation's newest message (its preview is in the conversation row).
    const note = expectStatus(
      await alice.postMessage(conversationId, { id: randomUUID(), kind: 'note', body: 'INTERNAL: she owes us two invoices', basedOnSeq: 0 }),
      201,
    ).message
    // A status change writes an activity line: a message of the timeline, never announced either.
    await alice.patch(conversationId, { status: 'pending' })
    await eventually(async () => expect((await alice.conversation(conversationId)).messages.some((m) => m.kind === 'activity')).toBe(true))
    await eventually(() => expect(receiver.of('conversation.status_changed').some((d) => d.body.data.conversationId === conversationId)).toBe(true))
    const { messageId: later } = await server.customerWrites({ email: 'xena@customer.test' }, 'Thanks!')

    const replyDelivery = await messageDelivery(reply.id)
    expect(replyDelivery.body.data.message).toMatchObject({ kind: 'reply', body: 'Yes, from Settings > Plan.', authorAgentId: server.acme.alice.id })
    // The customer's later message has arrived and the queue is idle: everything before it has been
    // dispatched (deliveries run side by side, so they are compared in the timeline's order). Nothing
    // about the note was sent, nor is there a delivery for it waiting in the log.
    await messageDelivery(later)
    await server.ctx.jobs.idle()
    const ofConversation = receiver
      .of('message.created')
      .filter((d) => d.body.data.conversation.id === conversationId)
      .sort((a, b) => a.body.data.message.seq - b.body.data.message.seq)
    expect(ofConversation.map((d) => d.body.data.message.id)).toEqual([first, reply.id, later])
    expect(receiver.deliveries.every((d) => !d.raw.includes('INTERNAL') && !d.raw.includes(note.id))).toBe(true)
    expect(receiver.of('message.created').every((d) => ['incoming', 'reply'].includes(d.body.data.message.kind))).toBe(true)
    const logged = await eventually(async () => {
      const messages = (await log()).filter((l) => l.event === 'message.created')
      expect(messages.every((l) => l.status === 'delivered')).toBe(true)
      return messages
    })
    expect(logged.length).toBe(receiver.of('message.created').length)
  })

  it('status and assignee changes are delivered with from, to and by', async () => {
    const { conversationId } = await server.customerWrites({ email: 'yuri@customer.test' }, 'Refund please')
    await alice.patch(conversationId, { assigneeId: server.acme.bob.id })
    await alice.patch(conversationId, { status: 'pending' })

    const assigned = await eventually(() => {
      const d = receiver.of('conversation.assignee_changed').find((x) => x.body.data.conversationId === conversationId)
      expect(d).toBeDefined()
      return d!
    })
    expect(assigned.body.data).toMatchObject({ from: null, to: server.acme.bob.id, by: server.acme.alice.id, conversation: { id: conversationId } })
    const status = await eventually(() => {
      const d = receiver.of('conversation.status_changed').find((x) => x.body.data.conversationId === conversationId)
      expect(d).toBeDefined()
      return d!
    })
    expect(status.body.data).toMatchObject({ from: 'open', to: 'pending', by: server.acme.alice.id })

    // The customer writes again: the server reopens the conversation, and says it did ('system').
    await server.customerWrites({ email: 'yuri@customer.test' }, 'Any news?')
    const reopened = await eventually(() => {
      const d = receiver.of('conversation.status_changed').find((x) => x.body.data.conversationId === conversationId && x.body.data.to === 'open')
      expect(d).toBeDefined()
      return d!
    })
    expect(reopened.body.data).toMatchObject({ from: 'pending', to: 'open', by: 'system' })
  })

  it('a webhook gets only the events it subscribed to, and a disabled one gets none', async () => {
    const other = await WebhookReceiver.start()
    try {
      const created = expectStatus(
        await alice.request<WebhookWithSecret>('/api/webhooks', { json: { url: other.url, events: ['conversation.status_changed'] } }),
        201,
      )
      other.secret = created.secret
      const { conversationId, messageId } = await server.customerWrites({ email: 'zoe@customer.test' }, 'Hello')
      await alice.patch(conversationId, { status: 'resolved' })
      await eventually(() => expect(other.of('conversation.status_changed').map((d) => d.body.data.conversationId)).toContain(conversationId))
      await messageDelivery(messageId)
      expect(other.of('message.created')).toEqual([])
      // The same event reaches both webhooks under one event id, in different deliveries.
      const mine = await eventually(() => {
        const d = receiver.of('conversation.status_changed').find((x) => x.body.data.conversationId === conversationId)
        expect(d).toBeDefined()
        return d!
      })
      const theirs = other.of('conversation.status_changed').find((x) => x.body.data.conversationId === conversationId)!
      expect(theirs.body.id).toBe(mine.body.id)
      expect(theirs.deliveryId).not.toBe(mine.deliveryId)

      expectStatus(await alice.request(`/api/webhooks/${created.webhook.id}`, { method: 'PATCH', json: { active: false } }), 200)
      const before = other.log.length
      await alice.patch(conversationId, { status: 'open' })
      // The enabled webhook hears of the reopen; the disabled one does not, and logs nothing for it.
      await eventually(() =>
        expect(receiver.of('conversation.status_changed').some((d) => d.body.data.conversationId === conversationId && d.body.data.to === 'open')).toBe(true),
      )
      await server.ctx.jobs.idle()
      expect(other.log.length).toBe(before)
      const theirLog = expectStatus(await alice.request<{ deliveries: WebhookDelivery[] }>(`/api/webhooks/${created.webhook.id}/deliveries`), 200)
      expect(theirLog.deliveries).toHaveLength(1)
      expect(other.rejected).toEqual([])
    } finally {
      await other.close()
    }
  })
})
