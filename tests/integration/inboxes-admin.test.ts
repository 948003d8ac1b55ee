import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AdminInbox, NewInboxResult } from '../../shared/schemas/admin.ts'
import type { Inbox } from '../../shared/schemas/entities.ts'
import { type AgentClient, expectStatus, TestServer } from '../support/server.ts'

// Settings → Inboxes (issue 9): Website, Email and API inboxes; an API inbox's token is shown once and
// can be replaced (the old one stops at once); an address names one inbox; only an empty inbox can be
// deleted, and an archived one takes nothing new while its conversations stay readable.

describe('inboxes, administered', () => {
  let server: TestServer
  let alice: AgentClient

  beforeAll(async () => {
    server = await TestServer.start()
    alice = await server.clientFor(server.acme.alice)
  })
  afterAll(async () => {
    await server?.close()
  })

  const create = async (json: object) => expectStatus(await alice.request<NewInboxResult>('/api/inboxes', { json }), 201)
  const customerMessage = (token: string, body: string) =>
    server.request('/api/channels/api/messages', { token, json: { contact: { email: 'api@example.com', name: 'Api' }, body } })

  it('an API inbox shows its token once; regenerating it stops the old one at once', async () => {
    const made = await create({ name: 'Orders API', channelType: 'api' })
    expect(made.inbox).toMatchObject({ name: 'Orders API', channelType: 'api', archived: false })
    expect(made.token).toMatch(/^inbox_/)
    expect((await customerMessage(made.token!, 'first')).status).toBe(201)
    // Never shown again: not in the list.
    const list = await alice.request('/api/inboxes')
    expect(list.text).not.toContain(made.token)

    const renewed = expectStatus(await alice.request<{ token: string }>(`/api/inboxes/${made.inbox.id}/token`, { method: 'POST' }), 200)
    expect(renewed.token).not.toBe(made.token)
    expect((await customerMessage(made.token!, 'old token')).status).toBe(401)
    expect((await customerMessage(renewed.token, 'new token')).status).toBe(201)
    // Only an API inbox has a token to replace.
    expect((await alice.request(`/api/inboxes/${server.acme.websiteInbox.id}/token`, { method: 'POST' })).status).toBe(400)
  })

  it('a Website inbox gets its widget key; an Email inbox needs an address no other inbox has', async () => {
    const website = await create({ name: 'Shop chat', channelType: 'live_chat' })
    expect(website.inbox.settings.widgetKey).toMatch(/^pk_/)
    expect(website.token).toBeUndefined()

    const missing = await alice.request<{ fields: { path: string }[] }>('/api/inboxes', { json: { name: 'Mail', channelType: 'email' } })
    expect(missing.status).toBe(400)
    expect(missing.body.fields.map((f) => f.path)).toEqual(['emailAddress'])

    const mail = await create({ name: 'Mail', channelType: 'email', emailAddress: 'Help@Acme.test' })
    expect(mail.inbox.settings.emailAddress).toBe('help@acme.test')
    const taken = await alice.request<{ fields: { path: string }[] }>('/api/inboxes', { json: { name: 'Mail 2', channelType: 'email', emailAddress: 'help@acme.test' } })
    expect(taken.status).toBe(409)
    expect(taken.body.fields.map((f) => f.path)).toEqual(['emailAddress'])
    // Another account cannot take it either: inbound mail finds an inbox by its address alone.
    const mallory = await server.clientFor(server.other.mallory)
    expect((await mallory.request('/api/inboxes', { json: { name: 'Mine', channelType: 'email', emailAddress: 'HELP@acme.test' } })).status).toBe(409)
    const other = await create({ name: 'Billing mail', channelType: 'email', emailAddress: 'billing@acme.test' })
    const renamedTo = await alice.request(`/api/inboxes/${other.inbox.id}`, { method: 'PATCH', json: { emailAddress: 'help@acme.test' } })
    expect(renamedTo.status).toBe(409)
  })

  it('renames; deletes only an empty inbox; archives one with conversations, which then takes nothing new but stays readable', async () => {
    const made = await create({ name: 'Returns API', channelType: 'api' })
    const renamed = expectStatus(await alice.request<{ inbox: Inbox }>(`/api/inboxes/${made.inbox.id}`, { method: 'PATCH', json: { name: 'Returns' } }), 200)
    expect(renamed.inbox.name).toBe('Returns')

    const written = await server.request<{ conversationId: string }>('/api/channels/api/messages', {
      token: made.token,
      json: { contact: { email: 'ret@example.com', name: 'Ret' }, body: 'I want to return this' },
    })
    expect(written.status).toBe(201)
    const listed = expectStatus(await alice.request<{ inboxes: AdminInbox[] }>('/api/inboxes'), 200).inboxes
    expect(listed.find((i) => i.id === made.inbox.id)?.conversationCount).toBe(1)

    const refused = await alice.request<{ error: string }>(`/api/inboxes/${made.inbox.id}`, { method: 'DELETE' })
    expect(refused.status).toBe(409)
    expect(refused.body.error).toBe('This inbox has conversations: archive it instead.')

    const archived = expectStatus(await alice.request<{ inbox: Inbox }>(`/api/inboxes/${made.inbox.id}`, { method: 'PATCH', json: { archived: true } }), 200)
    expect(archived.inbox.archived).toBe(true)
    expect((await customerMessage(made.token!, 'anyone there?')).status).toBe(403)
    expect(
      (await server.request('/api/channels/api/conversations', { token: made.token, json: { contact: { name: 'New' }, body: 'new' } })).status,
    ).toBe(403)
    // Readable: by agents, and by the channel's reads.
    expect((await alice.conversation(written.body.conversationId)).messages.some((m) => m.body === 'I want to return this')).toBe(true)
    expect((await server.request(`/api/channels/api/conversations/${written.body.conversationId}/messages`, { token: made.token })).status).toBe(200)
    // Archived inboxes stay in the list; brought back, it takes messages again.
    expect(expectStatus(await alice.request<{ inboxes: AdminInbox[] }>('/api/inboxes'), 200).inboxes.find((i) => i.id === made.inbox.id)?.archived).toBe(true)
    await alice.request(`/api/inboxes/${made.inbox.id}`, { method: 'PATCH', json: { archived: false } })
    expect((await customerMessage(made.token!, 'back again')).status).toBe(201)

    const empty = await create({ name: 'Spare', channelType: 'api' })
    expect((await alice.request(`/api/inboxes/${empty.inbox.id}`, { method: 'DELETE' })).body).toEqual({ ok: true })
    expect(await server.ctx.store.directory.getInbox(empty.inbox.id)).toBeNull()
    expect((await customerMessage(empty.token!, 'gone')).status).toBe(401)
  })

  it("another account's inbox is a 404 to change, replace the token of or delete", async () => {
    const mallory = await server.clientFor(server.other.mallory)
    const id = server.acme.apiInbox.id
    expect((await mallory.request(`/api/inboxes/${id}`, { method: 'PATCH', json: { name: 'Mine now' } })).status).toBe(404)
    expect((await mallory.request(`/api/inboxes/${id}/token`, { method: 'POST' })).status).toBe(404)
    expect((await mallory.request(`/api/inboxes/${id}`, { method: 'DELETE' })).status).toBe(404)
    expect((await server.ctx.store.directory.getInbox(id))?.name).toBe('API')
    expect((await customerMessage(server.acme.apiInbox.token, 'still mine')).status).toBe(201)
  })
})
