import type { Directory } from '../../../shared/schemas/admin.ts'
import type { FeedEntry } from '../../../shared/schemas/feed.ts'
import { type AgentColumns, type InboxColumns, toAgent, toInbox } from '../rows.ts'
import { appendEntry, nextSeq } from './feed-append.ts'
import { listAttributeDefinitions } from './attributes.ts'
import type { Sql } from './pg-db.ts'

// The account's `directory` entry on PostgreSQL, as SQLite's admin store builds it (same order:
// COLLATE "C" sorts as SQLite's binary collation does). Every change to who or what is in an account
// calls publishDirectory inside its own transaction.

export async function directorySnapshot(sql: Sql, accountId: string): Promise<Directory> {
  const account = await sql.row<{ id: string; name: string }>('SELECT id, name FROM accounts WHERE id = $1', [accountId])
  if (!account) throw new Error(`unknown account ${accountId}`)
  const agents = (await sql.rows<AgentColumns>('SELECT * FROM agents WHERE account_id = $1 ORDER BY name COLLATE "C"', [accountId])).map(toAgent)
  const inboxes = (
    await sql.rows<InboxColumns>('SELECT * FROM inboxes WHERE account_id = $1 ORDER BY created_at, name COLLATE "C"', [accountId])
  ).map(toInbox)
  const teamRows = await sql.rows<{ id: string; name: string }>('SELECT id, name FROM teams WHERE account_id = $1 ORDER BY name COLLATE "C"', [accountId])
  const members = await sql.rows<{ team_id: string; agent_id: string }>(
    'SELECT m.team_id, m.agent_id FROM team_members m JOIN teams t ON t.id = m.team_id WHERE t.account_id = $1 ORDER BY m.agent_id COLLATE "C"',
    [accountId],
  )
  const teams = teamRows.map((t) => ({
    id: t.id,
    accountId,
    name: t.name,
    memberIds: members.filter((m) => m.team_id === t.id).map((m) => m.agent_id),
  }))
  return { account, agents, teams, inboxes, attributes: await listAttributeDefinitions(sql, accountId) }
}

/** Appends the account's directory entry, superseding its previous one; call inside the writing transaction. */
export async function publishDirectory(sql: Sql, accountId: string): Promise<FeedEntry[]> {
  // The seq first: it locks the account row, so a concurrent change commits before this snapshot is
  // read, and the entry with the higher seq never misses the change of the one below it.
  const seq = await nextSeq(sql, accountId)
  const directory = await directorySnapshot(sql, accountId)
  return [await appendEntry(sql, accountId, accountId, { seq, kind: 'directory', directory })]
}
