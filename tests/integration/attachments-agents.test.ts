import { createHash, randomUUID } from 'node:crypto'
import { readdirSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Attachment } from '../../shared/schemas/entities.ts'
import { MAX_ATTACHMENT_BYTES } from '../../shared/schemas/entities.ts'
import { type AgentClient, TestServer } from '../support/server.ts'

// Files of replies and notes: uploaded raw (≤ 40 MB), stored once per content under DATA_DIR, named
// by id when the message is posted (≤ 15, the account's own, not attached yet), and served only to
// the account's agents, as downloads unless the type is safe to show inline.

describe('attachments for agents', () => {
  let server: TestServer
  let alice: AgentClient
  let bob: AgentClient
  let mallory: AgentClient

  beforeAll(async () => {
    server = await TestServer.start()
    ;[alice, bob, mallory] = await Promise.all([
      server.clientFor(server.acme.alice),
      server.clientFor(server.acme.bob),
      server.clientFor(server.other.mallory),
    ])
  })
  afterAll(() => server.close())

  /** POST /api/attachments as the app does it: the raw bytes, the type, the name URI-encoded. */
  async function upload(agent: AgentClient, name: string, bytes: Buffer, type = 'text/plain') {
    const res = await fetch(`${server.url}/api/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent.token}`, 'content-type': type, 'x-file-name': encodeURIComponent(name) },
      body: new Uint8Array(bytes),
    })
    return { status: res.status, body: (await res.json()) as { attachment: Attachment; error?: string; fields?: { path: string }[] } }
  }

  async function uploaded(agent: AgentClient, name: string, bytes: Buffer, type = 'text/plain'): Promise<Attachment> {
    const res = await upload(agent, name, bytes, type)
    expect(res.status).toBe(201)
    return res.body.attachment
  }

  const download = (agent: AgentClient, id: string) => fetch(`${server.url}/api/attachments/${id}`, { headers: { authorization: `Bearer ${agent.token}` } })

  /** A new conversation and the feed cursor after it: a reply based on it collides with nothing. */
  async function conversation(email = `c${randomUUID().slice(0, 8)}@customer.test`) {
    const { conversationId } = await server.customerWrites({ email }, 'Here is my question')
    return { conversationId, basedOnSeq: (await alice.feedAll()).cursor }
  }

  const post = (agent: AgentClient, c: { conversationId: string; basedOnSeq: number }, kind: 'reply' | 'note', attachmentIds: string[], body = '') =>
    agent.postMessage(c.conversationId, { id: randomUUID(), kind, body, basedOnSeq: c.basedOnSeq, attachmentIds })

  it('uploads a file, attaches it to a reply, and a colleague downloads the same bytes with its type', async () => {
    const bytes = Buffer.from('%PDF-1.4 pretend invoice ✓')
    const attachment = await uploaded(alice, 'Rechnung März.pdf', bytes, 'application/pdf')
    expect(attachment).toMatchObject({ name: 'Rechnung März.pdf', contentType: 'application/pdf', size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') })

    const c = await conversation()
    const res = await post(alice, c, 'reply', [attachment.id])
    expect(res.status).toBe(201)
    expect(res.body.message.attachments).toEqual([attachment])
    // The message in the timeline and in the feed carries it.
    const view = await bob.conversation(c.conversationId)
    expect(view.messages.find((m) => m.id === res.body.message.id)?.attachments).toEqual([attachment])

    const file = await download(bob, attachment.id)
    expect(file.status).toBe(200)
    expect(Buffer.from(await file.arrayBuffer())).toEqual(bytes)
    expect(file.headers.get('content-type')).toBe('application/pdf')
    expect(file.headers.get('content-disposition')).toBe(`inline; filename*=UTF-8''${encodeURIComponent('Rechnung März.pdf')}`)
    expect(file.headers.get('x-content-type-options')).toBe('nosniff')
  })

  it('a message may be only files: an empty body with an attachment is accepted, without either it is not', async () => {
    const c = await conversation()
    const image = await uploaded(alice, 'screenshot.png', Buffer.from('89504e470d0a1a0a', 'hex'), 'image/png')
    expect((await post(alice, c, 'note', [image.id])).status).toBe(201)
    const none = await post(alice, c, 'note', [])
    expect(none.status).toBe(400)
    expect(JSON.stringify(none.body)).toContain('body')
  })

  it.each([
    ['page.html', 'text/html', '<script>alert(1)</script>'],
    ['logo.svg', 'image/svg+xml', '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'],
  ])('%s is served as a download (application/octet-stream), never as a page of the app', async (name, type, content) => {
    const attachment = await uploaded(alice, name, Buffer.from(content), type)
    expect(attachment.contentType).toBe(type)
    const file = await download(alice, attachment.id)
    expect(file.status).toBe(200)
    expect(file.headers.get('content-type')).toBe('application/octet-stream')
    expect(file.headers.get('content-disposition')).toBe(`attachment; filename*=UTF-8''${name}`)
    expect(await file.text()).toBe(content)
  })

  it('the same bytes uploaded twice are one file on disk and two attachments', async () => {
    const bytes = Buffer.from(`identical content ${randomUUID()}`)
    const first = await uploaded(alice, 'one.txt', bytes)
    const second = await uploaded(bob, 'two.txt', bytes)
    expect(second.id).not.toBe(first.id)
    expect(second.sha256).toBe(first.sha256)
    const dir = path.join(server.dataDir, 'attachments', first.sha256.slice(0, 2))
    expect(readdirSync(dir).filter((f) => f.startsWith(first.sha256))).toEqual([first.sha256])
    // Each record keeps its own name; both serve the one file.
    const c = await conversation()
    expect((await post(alice, c, 'reply', [first.id, second.id])).status).toBe(201)
    for (const a of [first, second]) {
      const file = await download(alice, a.id)
      expect(file.headers.get('content-disposition')).toContain(a.name)
      expect(Buffer.from(await file.arrayBuffer())).toEqual(bytes)
    }
  })

  it('a file over 40 MB is refused with 413 and nothing is stored', async () => {
    const before = await uploadedFiles()
    const res = await upload(alice, 'too-big.bin', Buffer.alloc(MAX_ATTACHMENT_BYTES + 1, 7), 'application/octet-stream')
    expect(res.status).toBe(413)
    expect(res.body.error).toMatch(/40 MB/)
    expect(await uploadedFiles()).toEqual(before)
  })

  it('a file of exactly 40 MB is accepted', async () => {
    const res = await upload(alice, 'just-fits.bin', Buffer.alloc(MAX_ATTACHMENT_BYTES, 9), 'application/octet-stream')
    expect(res.status).toBe(201)
    expect(res.body.attachment.size).toBe(MAX_ATTACHMENT_BYTES)
  })

  it('an upload without a file name is refused, naming the header', async () => {
    const res = await fetch(`${server.url}/api/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'text/plain' },
      body: 'x',
    })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('x-file-name')
  })

  it('more than 15 attachments on a message is a 400 naming attachmentIds; 15 is fine', async () => {
    const files = await Promise.all(Array.from({ length: 16 }, (_, i) => uploaded(alice, `f${i}.txt`, Buffer.from(`file ${i} ${randomUUID()}`))))
    const c = await conversation()
    const over = await post(alice, c, 'reply', files.map((f) => f.id), 'sixteen files')
    expect(over.status).toBe(400)
    expect(JSON.stringify(over.body)).toContain('attachmentIds')
    const ok = await post(alice, c, 'reply', files.slice(0, 15).map((f) => f.id), 'fifteen files')
    expect(ok.status).toBe(201)
    expect(ok.body.message.attachments.map((a) => a.id)).toEqual(files.slice(0, 15).map((f) => f.id))
  })

  it("another account's attachment cannot be attached (400 naming attachmentIds) nor downloaded (404)", async () => {
    const theirs = await uploaded(mallory, 'mallory-secret.txt', Buffer.from('Mallory only'))
    const c = await conversation()
    const res = await post(alice, c, 'reply', [theirs.id], 'stealing')
    expect(res.status).toBe(400)
    expect(JSON.stringify(res.body)).toContain('attachmentIds')
    expect(JSON.stringify(res.body)).not.toContain('mallory-secret')
    expect((await alice.conversation(c.conversationId)).messages.map((m) => m.kind)).toEqual(['incoming'])

    const download404 = await download(alice, theirs.id)
    expect(download404.status).toBe(404)
    expect(await download404.text()).not.toContain('Mallory only')
    expect((await download(mallory, theirs.id)).status).toBe(200)
  })

  it("an attachment of our account is not Mallory's to download (404), whatever message it is on", async () => {
    const ours = await uploaded(alice, 'acme-plan.txt', Buffer.from('Acme internal'))
    expect((await download(mallory, ours.id)).status).toBe(404)
    const c = await conversation()
    expect((await post(alice, c, 'note', [ours.id])).status).toBe(201)
    expect((await download(mallory, ours.id)).status).toBe(404)
    expect((await download(bob, ours.id)).status).toBe(200)
    expect((await download(alice, randomUUID())).status).toBe(404)
  })

  it('a file already attached to a message cannot be attached to another (400)', async () => {
    const attachment = await uploaded(alice, 'once.txt', Buffer.from(`once ${randomUUID()}`))
    const c = await conversation()
    const first = await post(alice, c, 'reply', [attachment.id], 'first')
    expect(first.status).toBe(201)
    const again = await post(bob, c, 'note', [attachment.id], 'again')
    expect(again.status).toBe(400)
    expect(JSON.stringify(again.body)).toContain('attachmentIds')
    // A retry of the first message (same id) is still the same message, not a second attachment.
    const retry = await alice.postMessage(c.conversationId, { id: first.body.message.id, kind: 'reply', body: 'first', basedOnSeq: c.basedOnSeq, attachmentIds: [attachment.id] })
    expect(retry.status).toBe(200)
    expect(retry.body.duplicate).toBe(true)
  })

  /** Every file under DATA_DIR/attachments (partial writes included). */
  async function uploadedFiles(): Promise<string[]> {
    const root = path.join(server.dataDir, 'attachments')
    try {
      return readdirSync(root, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => path.join(e.parentPath, e.name))
        .sort()
    } catch {
      return []
    }
  }
})
