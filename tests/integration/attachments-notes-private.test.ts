import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Attachment } from '../../shared/schemas/entities.ts'
import { NotFoundError } from '../../server/services/errors.ts'
import { type AgentClient, TestServer } from '../support/server.ts'

// DESIGN §4 rule 7 for files: an attachment of an internal note is never reachable by a customer.
// The customer-facing endpoints (widget, email) are tested by their channels; this checks the one
// door they all go through, AttachmentService.openForCustomer.

describe('attachments and the customer', () => {
  let server: TestServer
  let alice: AgentClient

  beforeAll(async () => {
    server = await TestServer.start()
    alice = await server.clientFor(server.acme.alice)
  })
  afterAll(() => server.close())

  async function uploaded(name: string, content: string): Promise<Attachment> {
    const res = await fetch(`${server.url}/api/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'text/plain', 'x-file-name': name },
      body: content,
    })
    expect(res.status).toBe(201)
    return ((await res.json()) as { attachment: Attachment }).attachment
  }

  async function attach(conversationId: string, kind: 'reply' | 'note', attachment: Attachment) {
    const basedOnSeq = (await alice.feedAll()).cursor
    const res = await alice.postMessage(conversationId, { id: randomUUID(), kind, body: `${kind} with a file`, basedOnSeq, attachmentIds: [attachment.id] })
    expect(res.status).toBe(201)
  }

  const read = async (download: { stream(): NodeJS.ReadableStream }) => {
    const chunks: Buffer[] = []
    for await (const chunk of download.stream()) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks).toString()
  }

  it("a reply's file is the customer's to open, in their own conversation only", async () => {
    const { conversationId } = await server.customerWrites({ email: 'rita@customer.test' }, 'Can I have the invoice?')
    const other = await server.customerWrites({ email: 'sam@customer.test' }, 'Hello')
    const invoice = await uploaded('invoice.txt', 'Invoice 4411: 20 EUR')
    await attach(conversationId, 'reply', invoice)

    const download = await server.ctx.attachments.openForCustomer(conversationId, invoice.id)
    expect(download.attachment.id).toBe(invoice.id)
    expect(await read(download)).toBe('Invoice 4411: 20 EUR')
    await expect(server.ctx.attachments.openForCustomer(other.conversationId, invoice.id)).rejects.toBeInstanceOf(NotFoundError)
  })

  it("a note's file is not found for the customer, though the agents can open it", async () => {
    const { conversationId } = await server.customerWrites({ email: 'tom@customer.test' }, 'Where is my order?')
    const internal = await uploaded('risk-assessment.txt', 'Customer flagged for fraud review')
    await attach(conversationId, 'note', internal)

    await expect(server.ctx.attachments.openForCustomer(conversationId, internal.id)).rejects.toBeInstanceOf(NotFoundError)
    expect((await server.ctx.attachments.openForAgent(server.acme.accountId, internal.id)).attachment.id).toBe(internal.id)
  })

  it('a file uploaded but not (yet) sent is not the customer\'s either', async () => {
    const { conversationId } = await server.customerWrites({ email: 'uma@customer.test' }, 'Hi')
    const pending = await uploaded('draft.txt', 'not sent yet')
    await expect(server.ctx.attachments.openForCustomer(conversationId, pending.id)).rejects.toBeInstanceOf(NotFoundError)
    await expect(server.ctx.attachments.openForCustomer(conversationId, randomUUID())).rejects.toBeInstanceOf(NotFoundError)
  })
})
