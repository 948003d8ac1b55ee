import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrations } from '../../server/store/sqlite/migrations.ts'
import { openSqliteStore } from '../../server/store/sqlite/sqlite-store.ts'
import type { FeedEntry } from '../../shared/schemas/feed.ts'

// A database from before visitors had rows: widget contacts held the typed email in contacts.email.
// The upgrade moves it to unverified_email (so the email channel stops matching it), gives each such
// contact a visitor row under its own id (their old tokens keep working), and writes their feed entry
// again under a new seq so devices that already hold the contact learn it.
describe('upgrading a database with widget contacts', () => {
  let dir: string
  const ids = {
    account: '00000000-0000-4000-8000-000000000001',
    website: '00000000-0000-4000-8000-000000000002',
    api: '00000000-0000-4000-8000-000000000003',
    visitor: '00000000-0000-4000-8000-000000000004',
    customer: '00000000-0000-4000-8000-000000000005',
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'inbox-migration-'))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('moves typed emails to unverified, makes visitor rows and republishes the contacts', async () => {
    const file = path.join(dir, 'old.sqlite')
    const mine = migrations.findIndex((sql) => sql.includes('CREATE TABLE visitors'))
    expect(mine).toBeGreaterThan(0)
    const old = new Database(file)
    old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)')
    migrations.slice(0, mine).forEach((sql, index) => {
      old.exec(sql)
      old.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, 0)').run(index + 1)
    })
    old.prepare("INSERT INTO accounts (id, name, last_seq, created_at) VALUES (?, 'Acme', 2, 0)").run(ids.account)
    const inbox = old.prepare("INSERT INTO inboxes (id, account_id, name, channel_type, token_hash, created_at) VALUES (?, ?, ?, ?, ?, 0)")
    inbox.run(ids.website, ids.account, 'Website', 'live_chat', 'h1')
    inbox.run(ids.api, ids.account, 'API', 'api', 'h2')
    const contact = (id: string, name: string, email: string, seq: number, inboxId: string, number: number) => {
      old.prepare("INSERT INTO contacts (id, account_id, name, email, attributes, created_at) VALUES (?, ?, ?, ?, '{}', 0)").run(id, ids.account, name, email)
      const entry = { seq, kind: 'contact', contact: { id, accountId: ids.account, name, email, attributes: {}, createdAt: 0 } }
      old.prepare("INSERT INTO feed (account_id, seq, kind, entity_id, entry) VALUES (?, ?, 'contact', ?, ?)").run(ids.account, seq, id, JSON.stringify(entry))
      old
        .prepare(
          `INSERT INTO conversations (id, account_id, number, inbox_id, contact_id, created_at, last_activity_at, status, status_seen_seq, priority, labels)
           VALUES (?, ?, ?, ?, ?, 0, 0, 'open', 0, 'none', '[]')`,
        )
        .run(crypto.randomUUID(), ids.account, number, inboxId, id)
    }
    contact(ids.visitor, 'Mallory', 'alice@customer.test', 1, ids.website, 1)
    contact(ids.customer, 'Bob', 'bob@customer.test', 2, ids.api, 2)
    old.close()

    const store = openSqliteStore(file)
    try {
      expect(await store.contacts.getContact(ids.visitor)).toMatchObject({ email: null, unverifiedEmail: 'alice@customer.test' })
      expect(await store.contacts.findContactByEmail(ids.account, 'alice@customer.test')).toBeNull()
      expect(await store.contacts.getContact(ids.customer)).toMatchObject({ email: 'bob@customer.test' })
      expect(await store.visitors.get(ids.visitor)).toMatchObject({ contactId: ids.visitor, inboxId: ids.website, revokedAt: null })
      expect(await store.visitors.get(ids.customer)).toBeNull()

      // A device that has read up to seq 2 gets the visitor's contact again, as unverified.
      expect(await store.feed.lastSeq(ids.account)).toBe(3)
      const { entries } = await store.feed.readFeed(ids.account, 2, 10)
      expect(entries.map((e) => JSON.parse(e) as FeedEntry)).toEqual([
        { seq: 3, kind: 'contact', contact: { id: ids.visitor, accountId: ids.account, name: 'Mallory', email: null, unverifiedEmail: 'alice@customer.test', attributes: {}, createdAt: 0 } },
      ])
    } finally {
      await store.close()
    }
  })
})
