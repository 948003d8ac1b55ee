import Database from 'better-sqlite3'
import type { Store } from '../types.ts'
import { migrations } from './migrations.ts'
import { SqliteJobStore } from './jobs.ts'
import { SqliteAttachmentStore } from './attachments.ts'
import { SqliteEmailStore } from './email.ts'
import { SqliteCannedStore } from './canned.ts'
import { SqliteWebhookStore } from './webhooks.ts'
import { SqliteAdminStore } from './admin.ts'
import { SqliteSessionStore } from './sessions.ts'
import { SqliteVisitorStore } from './visitors.ts'
import { SqlitePasswordStore } from './passwords.ts'
import { SqliteDirectoryStore } from './directory.ts'
import { SqliteContactStore } from './contacts.ts'
import { SqliteConversationStore } from './conversations.ts'
import { SqliteFeedStore } from './feed.ts'
import { SqliteDocStore } from './docs.ts'
import { SqlitePushStore } from './push.ts'
import { SqliteAttributeStore } from './attributes.ts'
import { SqliteReadStore } from './reads.ts'
import { SqliteNotificationStore } from './notifications.ts'
import { SqliteLeaseStore } from './leases.ts'
import { FeedAppender, StatementCache } from './feed-append.ts'
import { type Checkpointer, startCheckpointer } from './checkpointer.ts'
import { WalSync } from './wal-sync.ts'

// better-sqlite3 is synchronous: each method runs to completion, so a write and its feed entries
// are one transaction and nothing interleaves. The Promise-returning interface is for PostgreSQL.

export function openSqliteStore(file: string): SqliteStore {
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  // Checkpoints happen in a worker thread (checkpointer.ts), not inside a write on the event loop.
  db.pragma('wal_autocheckpoint = 0')
  // NORMAL plus group commit (wal-sync.ts): acknowledgements await `durable()`, one fsync off the event loop.
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  migrate(db)
  return new SqliteStore(db, file === ':memory:' ? null : startCheckpointer(file), file === ':memory:' ? null : new WalSync(file, db))
}

function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)')
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
  )
  migrations.forEach((sql, index) => {
    const version = index + 1
    if (applied.has(version)) return
    db.transaction(() => {
      db.exec(sql)
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(version, Date.now())
    })()
  })
}

/** The areas on one handle: they share its prepared statements and its feed appender, so a change
 *  in any area and its feed entry are one transaction. */
export class SqliteStore implements Store {
  readonly directory: SqliteDirectoryStore
  readonly contacts: SqliteContactStore
  readonly conversations: SqliteConversationStore
  readonly feed: SqliteFeedStore
  readonly docs: SqliteDocStore
  readonly jobs: SqliteJobStore
  readonly attachments: SqliteAttachmentStore
  readonly email: SqliteEmailStore
  readonly canned: SqliteCannedStore
  readonly webhooks: SqliteWebhookStore
  readonly admin: SqliteAdminStore
  readonly sessions: SqliteSessionStore
  readonly visitors: SqliteVisitorStore
  readonly passwords: SqlitePasswordStore
  readonly push: SqlitePushStore
  readonly attributes: SqliteAttributeStore
  readonly reads: SqliteReadStore
  readonly notifications: SqliteNotificationStore
  readonly leases: SqliteLeaseStore

  constructor(
    readonly db: Database.Database,
    private readonly checkpointer: Checkpointer | null = null,
    readonly walSync: WalSync | null = null,
  ) {
    const statements = new StatementCache(db)
    const feed = new FeedAppender(statements)
    this.directory = new SqliteDirectoryStore(statements)
    this.contacts = new SqliteContactStore(statements, feed)
    this.conversations = new SqliteConversationStore(statements, feed)
    this.feed = new SqliteFeedStore(statements)
    this.docs = new SqliteDocStore(statements)
    this.jobs = new SqliteJobStore(db)
    this.attachments = new SqliteAttachmentStore(db)
    this.email = new SqliteEmailStore(db)
    this.canned = new SqliteCannedStore(db, feed.appendFeed)
    this.webhooks = new SqliteWebhookStore(db)
    this.admin = new SqliteAdminStore(db, feed.appendFeed)
    this.sessions = new SqliteSessionStore(db, statements)
    this.visitors = new SqliteVisitorStore(db, feed.appendFeed)
    this.passwords = new SqlitePasswordStore(db)
    this.push = new SqlitePushStore(db)
    this.attributes = new SqliteAttributeStore(db, feed.appendFeed, (accountId) => this.admin.published(accountId))
    this.reads = new SqliteReadStore(statements, feed)
    this.notifications = new SqliteNotificationStore(statements, feed)
    this.leases = new SqliteLeaseStore(db)
  }

  durable(): Promise<void> {
    return this.walSync?.durable() ?? Promise.resolve()
  }

  /** One process owns a SQLite file: nothing else can be starting on it. */
  withStartupLock<T>(fn: () => Promise<T>): Promise<T> {
    return fn()
  }

  /** One connection: BEGIN here, and each store method's own transaction becomes a savepoint of it
   *  (better-sqlite3 nests them so). Inside another, it joins that one. */
  async inOneTransaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.db.inTransaction) return fn()
    this.db.exec('BEGIN IMMEDIATE')
    try {
      const result = await fn()
      this.db.exec('COMMIT')
      return result
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK')
      throw error
    }
  }

  async close(): Promise<void> {
    await this.walSync?.close()
    await this.checkpointer?.stop()
    this.db.pragma('wal_checkpoint(TRUNCATE)')
    this.db.close()
  }
}
