import type Database from 'better-sqlite3'
import type { FeedEntry } from '../../../shared/schemas/feed.ts'
import { audienceOf } from '../../../shared/feed-audience.ts'

// The one place that takes feed numbers and writes feed rows, shared by every area store on the same
// better-sqlite3 handle. Callers run it inside their own transaction, so each change and its entry
// commit together (DESIGN §2): a reader never sees a change without its entry, nor a gap in seqs.

/** Appends a feed entry for the entity with the account's next seq. */
export type AppendFeed = (accountId: string, entityId: string, entry: (seq: number) => FeedEntry) => FeedEntry

/** Prepared once per SQL text: the sync path appends an update per keystroke. */
export class StatementCache {
  private readonly statements = new Map<string, Database.Statement>()

  constructor(readonly db: Database.Database) {}

  sql(text: string): Database.Statement {
    let statement = this.statements.get(text)
    if (!statement) {
      statement = this.db.prepare(text)
      this.statements.set(text, statement)
    }
    return statement
  }
}

export class FeedAppender {
  constructor(private readonly statements: StatementCache) {}

  nextSeq(accountId: string): number {
    const row = this.statements.sql('UPDATE accounts SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq').get(accountId) as
      | { last_seq: number }
      | undefined
    if (!row) throw new Error(`unknown account ${accountId}`)
    return row.last_seq
  }

  /** Appends an entry; contact and conversation entries replace older ones of the same entity, so a
   *  catch-up reads each entity's latest version once, while messages are kept as the log they are. */
  append(accountId: string, entityId: string, entry: FeedEntry): FeedEntry {
    if (entry.kind !== 'message') {
      // INDEXED BY: left to itself the planner picks the primary key and scans the account's whole feed.
      this.statements.sql('DELETE FROM feed INDEXED BY feed_entity WHERE account_id = ? AND kind = ? AND entity_id = ?')
        .run(accountId, entry.kind, entityId)
    }
    this.statements.sql('INSERT INTO feed (account_id, seq, kind, entity_id, entry, audience) VALUES (?, ?, ?, ?, ?, ?)')
      .run(accountId, entry.seq, entry.kind, entityId, JSON.stringify(entry), audienceOf(entry))
    return entry
  }

  /** The form the older area stores take: the entry built from the seq taken for it. */
  readonly appendFeed: AppendFeed = (accountId, entityId, entry) => this.append(accountId, entityId, entry(this.nextSeq(accountId)))
}
