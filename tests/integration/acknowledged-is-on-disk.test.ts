import { createHash } from 'node:crypto'
import { readFileSync, readdirSync, truncateSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Attachment } from '../../shared/schemas/entities.ts'
import type { SqliteStore } from '../../server/store/sqlite/sqlite-store.ts'
import { type AgentClient, TestServer } from '../support/server.ts'

// Hardening issue, item 9: an acknowledged write (a 201, an SMTP 250, a stored doc update) must survive
// power loss, not just a process crash; and a damaged attachment file on disk is never trusted.

describe('acknowledged means on disk', () => {
  let server: TestServer
  let alice: AgentClient

  beforeAll(async () => {
    server = await TestServer.start()
    alice = await server.clientFor(server.acme.alice)
  })
  afterAll(() => server.close())

  it('SQLite fsyncs every commit: synchronous is FULL on the WAL', () => {
    const db = (server.ctx.store as SqliteStore).db
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    // 2 = FULL (0 OFF, 1 NORMAL, 3 EXTRA).
    expect(db.pragma('synchronous', { simple: true })).toBe(2)
  })

  async function upload(bytes: Buffer): Promise<Attachment> {
    const res = await fetch(`${server.url}/api/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/pdf', 'x-file-name': 'invoice.pdf' },
      body: new Uint8Array(bytes),
    })
    expect(res.status).toBe(201)
    return ((await res.json()) as { attachment: Attachment }).attachment
  }

  const fileOf = (sha256: string) => path.join(server.dataDir, 'attachments', sha256.slice(0, 2), sha256)

  it('a truncated file under the content hash is rewritten by the next upload of the same content', async () => {
    const bytes = Buffer.from(`%PDF-1.4 ${'invoice line\n'.repeat(2000)}`)
    const first = await upload(bytes)
    const file = fileOf(first.sha256)
    expect(readFileSync(file)).toEqual(bytes)

    // What a power cut after an unsynced rename could leave behind.
    truncateSync(file, 100)
    const second = await upload(bytes)
    expect(second.sha256).toBe(first.sha256)
    expect(readFileSync(file)).toEqual(bytes)
    const download = await fetch(`${server.url}/api/attachments/${first.id}`, { headers: { authorization: `Bearer ${alice.token}` } })
    expect(Buffer.from(await download.arrayBuffer())).toEqual(bytes)
  })

  it('a file of the right size but other content is rewritten too, and no temp file is left behind', async () => {
    const bytes = Buffer.from('%PDF-1.4 same size, different bytes')
    const sha256 = createHash('sha256').update(bytes).digest('hex')
    await upload(bytes)
    writeFileSync(fileOf(sha256), Buffer.alloc(bytes.length, 0x20))
    await upload(bytes)
    expect(readFileSync(fileOf(sha256))).toEqual(bytes)
    expect(readdirSync(path.dirname(fileOf(sha256))).filter((f) => f.endsWith('.part'))).toEqual([])
  })
})
