import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Attachment } from '../../shared/schemas/entities.ts'
import type { PresenceState } from '../../shared/presence.ts'
import { addEmailInbox, conversationsOf, sendMail } from '../support/email.ts'
import { eventually } from '../support/eventually.ts'
import { type AgentClient, TestServer } from '../support/server.ts'
import { SmtpSink } from '../support/smtp-sink.ts'
import { WebhookReceiver } from '../support/webhook-receiver.ts'
import { TestVisitor, VisitorSockets, type LiveVisitorSocket } from '../support/widget-visitor.ts'
import { SocketPool } from '../support/ws-client.ts'

// DESIGN §4 rule 7, as a matrix: in a conversation of each channel (website chat, email, API), Alice
// writes an internal note with a file while typing in the note, then a reply. Every way out of the
// inbox (the widget's history and live socket, outbound email, the API channel's reads, webhooks)
// carries the reply — which proves it was looked at after the note — and nothing of the note.
describe('internal notes never reach a customer', () => {
  let server: TestServer
  let alice: AgentClient
  let sink: SmtpSink
  let hooks: WebhookReceiver
  const rooms = new SocketPool()
  const visitorSockets = new VisitorSockets()
  const SECRET = 'SECRET-NOTE-do-not-send'
  const SECRET_FILE = 'secret-internal-findings.txt'

  /** A note with a file, then a reply, as Alice; the room sees her "writing a note" meanwhile. */
  async function noteThenReply(
    conversationId: string,
    label: string,
  ): Promise<{ noteFile: Attachment; setActivity: (activity: PresenceState['activity']) => void }> {
    const room = await rooms.room(server, conversationId, { token: alice.token })
    const presence: PresenceState = { user: { id: alice.agent.id, name: 'Alice Martin', color: '#000' }, activity: 'noting' }
    room.provider.awareness.setLocalState(presence)
    const upload = await alice.request<{ attachment: Attachment }>('/api/attachments', {
      body: `${SECRET} in a file`,
      headers: { 'content-type': 'text/plain', 'x-file-name': SECRET_FILE },
    })
    expect(upload.status).toBe(201)
    const seen = (await alice.conversation(conversationId)).conversation.lastMessageSeq
    const note = await alice.postMessage(conversationId, {
      id: randomUUID(),
      kind: 'note',
      body: `${SECRET} (${label})`,
      basedOnSeq: seen,
      attachmentIds: [upload.body.attachment.id],
    })
    expect(note.status).toBe(201)
    const reply = await alice.postMessage(conversationId, { id: randomUUID(), kind: 'reply', body: `REPLY for ${label}`, basedOnSeq: seen + 1 })
    expect(reply.status).toBe(201)
    return {
      noteFile: upload.body.attachment,
      setActivity: (activity) => room.provider.awareness.setLocalState({ ...presence, activity }),
    }
  }

  const leaks = (text: string) => text.includes(SECRET) || text.includes(SECRET_FILE)

  beforeAll(async () => {
    sink = await SmtpSink.start()
    server = await TestServer.start({ env: { SMTP_URL: sink.url, WEBHOOK_ALLOW_PRIVATE: '1' } })
    alice = await server.clientFor(server.acme.alice)
    hooks = await WebhookReceiver.start()
    const created = await alice.request<{ secret: string }>('/api/webhooks', {
      json: { url: hooks.url, events: ['message.created', 'conversation.status_changed', 'conversation.assignee_changed'] },
    })
    expect(created.status).toBe(201)
    hooks.secret = created.body.secret
  })

  afterAll(async () => {
    rooms.closeAll()
    visitorSockets.closeAll()
    await hooks?.close()
    await server?.close()
    await sink?.close()
  })

  it('website chat: history, live socket, typing and files', async () => {
    const visitor = await TestVisitor.start(server, { name: 'Vera Visitor' })
    const first = await visitor.send('Hi, question about my order')
    const live: LiveVisitorSocket = await visitor.live(visitorSockets)
    const { noteFile, setActivity } = await noteThenReply(first.conversationId, 'widget')

    await eventually(() => expect(live.messages().map((m) => m.body)).toContain('REPLY for widget'))
    expect(live.frames.some(leaks)).toBe(false)
    // Alice was "writing a note" the whole time: no typing reached the visitor.
    expect(live.typing().flat()).toEqual([])
    const history = await visitor.history()
    expect(history.map((m) => m.body)).toEqual(['Hi, question about my order', 'REPLY for widget'])
    expect(JSON.stringify(history)).not.toContain(SECRET)
    const file = await visitor.request(`/api/widget/conversations/${first.conversationId}/attachments/${noteFile.id}`)
    expect(file.status).toBe(404)
    // The same socket does show typing once Alice types a reply: the silence above was about the note.
    setActivity('replying')
    await eventually(() => expect(live.typing().flat().length).toBeGreaterThan(0))
  })

  it('email: only the reply is sent, without the note or its file', async () => {
    const inbox = await addEmailInbox(server)
    await sendMail(server.ctx.email.inboundPort!, {
      from: 'Eve Mailer <eve.mailer@customer.test>',
      to: inbox.address,
      subject: 'Broken invoice',
      text: 'The invoice total is wrong.',
    })
    const { conversations } = await eventually(async () => {
      const found = await conversationsOf(server, 'eve.mailer@customer.test', inbox.id)
      expect(found.conversations).toHaveLength(1)
      return found
    })
    await noteThenReply(conversations[0]!.id, 'email')
    await eventually(() => expect(sink.deliveries).toHaveLength(1))
    await server.ctx.jobs.idle()
    expect(sink.deliveries).toHaveLength(1)
    expect(sink.deliveries[0]!.mail.text).toContain('REPLY for email')
    expect(leaks(sink.deliveries[0]!.raw.toString('utf8'))).toBe(false)
    expect(sink.deliveries[0]!.mail.attachments).toEqual([])
  })

  it("API channel: the conversation's customer-visible messages leave out the note", async () => {
    const { conversationId } = await server.customerWrites({ email: 'api.reader@customer.test' }, 'Hello from a script')
    await noteThenReply(conversationId, 'api')
    const read = await server.request<{ messages: { kind: string; body: string }[] }>(
      `/api/channels/api/conversations/${conversationId}/messages`,
      { token: server.acme.apiInbox.token },
    )
    expect(read.status).toBe(200)
    expect(read.body.messages.map((m) => m.body)).toEqual(['Hello from a script', 'REPLY for api'])
    expect(leaks(read.text)).toBe(false)
  })

  it('webhooks: every reply was delivered, no note ever was', async () => {
    await eventually(() => {
      const bodies = hooks.of('message.created').map((d) => d.raw)
      for (const label of ['widget', 'email', 'api']) expect(bodies.some((b) => b.includes(`REPLY for ${label}`))).toBe(true)
    })
    await server.ctx.jobs.idle()
    expect(hooks.deliveries.length).toBeGreaterThan(0)
    expect(hooks.deliveries.some((d) => leaks(d.raw))).toBe(false)
    expect(hooks.rejected).toEqual([])
  })
})
