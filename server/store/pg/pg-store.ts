import type { Store } from '../types.ts'
import { PgDb, type PgOptions, quoteIdent } from './pg-db.ts'
import { pgMigrations } from './migrations.ts'
import { PgPushStore } from './push.ts'
import { PgAttributeStore } from './attributes.ts'
import { publishDirectory } from './directory-entry.ts'
import { PgReadStore } from './reads.ts'
import { PgNotificationStore } from './notifications.ts'
import { PgLeaseStore } from './leases.ts'
import { withSessionLock } from './session-lock.ts'
import { PgJobStore } from './jobs.ts'
import { PgAttachmentStore } from './attachments.ts'
import { PgEmailStore } from './email.ts'
import { PgCannedStore } from './canned.ts'
import { PgWebhookStore } from './webhooks.ts'
import { PgAdminStore } from './admin.ts'
import { PgConversationStore } from './conversations.ts'
import { PgDirectoryStore } from './directory.ts'
import { PgContactStore } from './contacts.ts'
import { PgFeedStore } from './feed.ts'
import { PgDocStore } from './docs.ts'
import { PgSessionStore } from './sessions.ts'
import { PgVisitorStore } from './visitors.ts'
import { PgPasswordStore } from './passwords.ts'

// PostgreSQL store (DESIGN §6): the same areas as SQLite's, each in its own file, on one pool.
// A method that writes opens one transaction (PgDb.tx) for the change and its feed entries.
// Acknowledged means committed: with synchronous_commit on (the default) a COMMIT is on disk.

/** Applies pending migrations once, whichever of several processes starting together gets there
 *  first: the advisory lock serialises them, and the others then find nothing left to do. */
async function migrate(db: PgDb, schema: string | undefined): Promise<void> {
  await db.tx(async (sql) => {
    await sql.run("SELECT pg_advisory_xact_lock(hashtext('support-inbox:migrate'))")
    if (schema) await sql.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`)
    await sql.run('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)')
    const applied = new Set((await sql.rows<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version))
    for (const [index, text] of pgMigrations.entries()) {
      const version = index + 1
      if (applied.has(version)) continue
      await sql.run(text)
      await sql.run('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [version, Date.now()])
    }
  })
}

export async function openPgStore(url: string, options: PgOptions = {}): Promise<PgStore> {
  const db = PgDb.open(url, options)
  try {
    await db.run('SELECT 1')
  } catch (error) {
    await db.close().catch(() => undefined)
    throw new Error(`PostgreSQL at DATABASE_URL does not answer: ${(error as Error).message}`)
  }
  await migrate(db, options.schema)
  return new PgStore(db)
}

/** An area not ported yet: any call fails loudly rather than doing something else. */
function notYet<T extends object>(area: string): T {
  return new Proxy({} as T, {
    get: (_target, method) => () => Promise.reject(new Error(`PostgreSQL store: ${area}.${String(method)} is not implemented yet`)),
  })
}

export class PgStore implements Store {
  readonly directory: Store['directory']
  readonly contacts: Store['contacts']
  readonly conversations: Store['conversations']
  readonly feed: Store['feed']
  readonly docs: Store['docs']
  readonly jobs: Store['jobs']
  readonly attachments: Store['attachments']
  readonly email: Store['email']
  readonly canned: Store['canned']
  readonly webhooks: Store['webhooks']
  readonly admin: Store['admin']
  readonly sessions: Store['sessions']
  readonly visitors: Store['visitors']
  readonly passwords: Store['passwords']
  readonly attributes: Store['attributes']
  readonly reads: Store['reads']
  readonly notifications: Store['notifications']
  readonly leases: Store['leases']
  readonly push: Store['push']

  constructor(readonly db: PgDb) {
    this.jobs = new PgJobStore(db)
    this.attachments = new PgAttachmentStore(db)
    this.email = new PgEmailStore(db)
    this.canned = new PgCannedStore(db)
    this.webhooks = new PgWebhookStore(db)
    this.admin = new PgAdminStore(db)
    this.conversations = new PgConversationStore(db)
    this.directory = new PgDirectoryStore(db)
    this.contacts = new PgContactStore(db)
    this.feed = new PgFeedStore(db)
    this.docs = new PgDocStore(db)
    this.sessions = new PgSessionStore(db)
    this.visitors = new PgVisitorStore(db)
    this.passwords = new PgPasswordStore(db)
    this.attributes = new PgAttributeStore(db, publishDirectory)
    this.reads = new PgReadStore(db)
    this.notifications = new PgNotificationStore(db)
    this.leases = new PgLeaseStore(db)
    this.push = new PgPushStore(db)
  }

  durable(): Promise<void> {
    return Promise.resolve()
  }

  withStartupLock<T>(fn: () => Promise<T>): Promise<T> {
    return withSessionLock(this.db, 'support-inbox:startup', fn)
  }

  inOneTransaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.db.inOneTransaction(fn)
  }

  close(): Promise<void> {
    return this.db.close()
  }
}
