import { createHash, randomUUID } from 'node:crypto'
import { readFileSync, readdirSync, truncateSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Attachment } from '../../shared/schemas/entities.ts'
import { SqliteStore } from '../../server/store/sqlite/sqlite-store.ts'
import { testSql } from '../support/test-sql.ts'
import { SUPPORT_ADDRESS, addEmailInbox, sendMail } from '../support/email.ts'
import { type AgentClient, TestServer } from '../support/server.ts'

// Hardening issue, item 9: an acknowledged write (a 201, an SMTP 250, a stored doc push) must survive
// power loss, not just a process crash: SQLite runs WAL with synchronous=NORMAL and answers wait for
// a group-commit fsync (store/sqlite/wal-sync.ts; its grouping is unit-tested). On PostgreSQL a COMMIT
// returns once its WAL is flushed, so the store's committed writes are on disk as long as the server
// keeps fsync and synchronous_commit on: that is what the first two tests check there. A damaged
// attachment file on disk is never trusted.

describe('acknowledged means on disk', () => {
  let server: TestServer
  let alice: AgentClient

  beforeAll(async () => {
    server = await TestServer.start()
    alice = await server.clientFor(server.acme.alice)
  })
  afterAll(() => server.close())

  /** PostgreSQL: the settings under which a returned COMMIT is on disk, and the write is committed. */
  async function committedOnDiskByPostgres(check: () => Promise<void>) {
    const sql = testSql(server.ctx.store)
    expect(await sql.rows('SHOW fsync')).toEqual([{ fsync: 'on' }])
    expect(await sql.rows('SHOW synchronous_commit')).toEqual([{ synchronous_commit: 'on' }])
    await check()
  }

  it('a 201 comes only after an fsync of the WAL that followed the write (group commit)', async () => {
    const store = server.ctx.store
    if (!(store instanceof SqliteStore)) {
      return committedOnDiskByPostgres(async () => {
        const { conversationId } = await server.customerWrites({ email: 'disk@customer.test' }, 'Hello')
        const id = randomUUID()
        const res = await alice.postMessage(conversationId, { id, kind: 'note', body: 'on disk first', basedOnSeq: (await alice.feedAll()).cursor })
        expect(res.status).toBe(201)
        expect(await testSql(store).rows('SELECT id FROM messages WHERE id = ?', [id])).toEqual([{ id }])
      })
    }
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal')
    const walSync = store.walSync!
    const { conversationId } = await server.customerWrites({ email: 'disk@customer.test' }, 'Hello')
    const basedOnSeq = (await alice.feedAll()).cursor

    const before = walSync.syncedChanges
    const res = await alice.postMessage(conversationId, { id: randomUUID(), kind: 'note', body: 'on disk first', basedOnSeq })
    expect(res.status).toBe(201)
    expect(walSync.syncedChanges).toBeGreaterThan(before)
  })

  it('an SMTP 250 comes only after an fsync of the WAL that followed the stored mail', async () => {
    await addEmailInbox(server)
    const store = server.ctx.store
    if (!(store instanceof SqliteStore)) {
      return committedOnDiskByPostgres(async () => {
        await sendMail(server.ctx.email.inboundPort!, { from: 'pat@customer.test', to: SUPPORT_ADDRESS, subject: 'Disk', text: 'Kept?' })
        expect(await testSql(store).rows('SELECT body FROM messages WHERE body LIKE ?', ['Kept?%'])).toHaveLength(1)
      })
    }
    const walSync = store.walSync!
    const before = walSync.syncedChanges
    await sendMail(server.ctx.email.inboundPort!, { from: 'pat@customer.test', to: SUPPORT_ADDRESS, subject: 'Disk', text: 'Kept?' })
    expect(walSync.syncedChanges).toBeGreaterThan(before)
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
