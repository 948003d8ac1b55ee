import type { FeedEntry } from '../../../shared/schemas/feed.ts'
import { audienceOf } from '../../../shared/feed-audience.ts'
import type { Sql } from './pg-db.ts'

// The one place that takes feed numbers and writes feed rows on PostgreSQL. Callers pass the `Sql`
// of their own transaction: the account row stays locked from the seq's UPDATE until that
// transaction commits, so seqs are handed out in commit order and a reader never sees N+1 before N
// (a plain sequence would not give that: nextval order is not commit order).

export async function nextSeq(sql: Sql, accountId: string): Promise<number> {
  const row = await sql.row<{ last_seq: number }>('UPDATE accounts SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq', [accountId])
  if (!row) throw new Error(`unknown account ${accountId}`)
  return row.last_seq
}

/** Appends an entry; non-message entries replace older ones of the same entity (as on SQLite). */
export async function appendEntry(sql: Sql, accountId: string, entityId: string, entry: FeedEntry): Promise<FeedEntry> {
  if (entry.kind !== 'message') {
    await sql.run('DELETE FROM feed WHERE account_id = $1 AND kind = $2 AND entity_id = $3', [accountId, entry.kind, entityId])
  }
  await sql.run('INSERT INTO feed (account_id, seq, kind, entity_id, entry, audience) VALUES ($1, $2, $3, $4, $5, $6)', [
    accountId,
    entry.seq,
    entry.kind,
    entityId,
    JSON.stringify(entry),
    audienceOf(entry),
  ])
  return entry
}

/** The entry built from the seq taken for it, in the caller's transaction. */
export async function appendFeed(sql: Sql, accountId: string, entityId: string, entry: (seq: number) => FeedEntry): Promise<FeedEntry> {
  return appendEntry(sql, accountId, entityId, entry(await nextSeq(sql, accountId)))
}
