import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { NewInboxResult } from '../../shared/schemas/admin.ts'
import { type AgentClient, expectStatus, TestServer } from '../support/server.ts'
import { sendMail, sendMailRefused } from '../support/email.ts'
import { TestVisitor } from '../support/widget-visitor.ts'

// An archived inbox takes no new conversations (issue 9): its website chat refuses the visitor's
// message and its address refuses mail (550); brought back, both work again. (The API channel's
// refusal is in inboxes-admin and api-channel-rest tests.)

describe('channels of an archived inbox', () => {
  let server: TestServer
  let alice: AgentClient

  beforeAll(async () => {
    server = await TestServer.start()
    alice = await server.clientFor(server.acme.alice)
  })
  afterAll(async () => {
    await server?.close()
  })

  const archive = async (id: string, archived: boolean) =>
    expect((await alice.request(`/api/inboxes/${id}`, { method: 'PATCH', json: { archived } })).status).toBe(200)

  it('the website chat refuses a visitor\'s message while archived', async () => {
    const visitor = await TestVisitor.start(server, { name: 'Vera' })
    await archive(server.acme.websiteInbox.id, true)
    const refused = await visitor.request<{ error: string }>('/api/widget/messages', { json: { id: crypto.randomUUID(), body: 'hello?' } })
    expect(refused.status).toBe(409)
    expect(refused.body.error).toMatch(/archived/)
    await archive(server.acme.websiteInbox.id, false)
    expect((await visitor.send('hello again')).body).toBe('hello again')
  })

  it('its address refuses mail with 550 while archived', async () => {
    const made = expectStatus(
      await alice.request<NewInboxResult>('/api/inboxes', { json: { name: 'Help mail', channelType: 'email', emailAddress: 'archive-test@acme.test' } }),
      201,
    )
    const port = server.ctx.email.inboundPort!
    const mail = (text: string) => ({ from: 'Cleo <cleo@example.com>', to: 'archive-test@acme.test', subject: 'Question', text })
    await archive(made.inbox.id, true)
    const refused = await sendMailRefused(port, mail('while archived'))
    expect(refused.responseCode).toBe(550)
    await archive(made.inbox.id, false)
    await sendMail(port, mail('after'))
    const contact = await server.ctx.store.contacts.findContactByEmail(server.acme.accountId, 'cleo@example.com')
    expect(contact).not.toBeNull()
  })
})
