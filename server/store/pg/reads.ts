import type { ReadMark } from '../../../shared/schemas/notifications.ts'
import { type NewReadMark, type ReadStore, type ReadWrite, nextSeenSeq, readEntityId } from '../reads.ts'
import { appendFeed } from './feed-append.ts'
import type { PgDb, Sql } from './pg-db.ts'

interface ReadColumns {
  agent_id: string
  conversation_id: string
  seen_seq: number
  at: number
}

const toMark = (r: ReadColumns): ReadMark => ({ agentId: r.agent_id, conversationId: r.conversation_id, seenSeq: r.seen_seq, at: r.at })

export class PgReadStore implements ReadStore {
  constructor(private readonly db: PgDb) {}

  async get(agentId: string, conversationId: string): Promise<ReadMark | null> {
    return row(this.db, agentId, conversationId, false)
  }

  async mark(input: NewReadMark): Promise<ReadWrite> {
    return this.db.tx(async (sql) => {
      // Two devices of one agent marking at once: the row lock makes the second read the first's mark.
      // A first mark has no row to lock; the insert's conflict clause below settles that race.
      const current = await row(sql, input.agentId, input.conversationId, true)
      const seenSeq = nextSeenSeq(current?.seenSeq ?? null, input)
      if (current && current.seenSeq === seenSeq) return { mark: current, entries: [] }
      const stored = await sql.row<ReadColumns>(
        `INSERT INTO read_marks (account_id, agent_id, conversation_id, seen_seq, at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (agent_id, conversation_id) DO UPDATE
           SET seen_seq = CASE WHEN $6 THEN excluded.seen_seq ELSE GREATEST(read_marks.seen_seq, excluded.seen_seq) END, at = excluded.at
         RETURNING agent_id, conversation_id, seen_seq, at`,
        [input.accountId, input.agentId, input.conversationId, seenSeq, input.at, input.exact === true],
      )
      const mark = toMark(stored!)
      const entityId = readEntityId(mark.agentId, mark.conversationId)
      const entry = await appendFeed(sql, input.accountId, entityId, (seq) => ({ seq, kind: 'read', read: mark }))
      return { mark, entries: [entry] }
    })
  }
}

async function row(sql: Sql, agentId: string, conversationId: string, lock: boolean): Promise<ReadMark | null> {
  const r = await sql.row<ReadColumns>(
    `SELECT agent_id, conversation_id, seen_seq, at FROM read_marks WHERE agent_id = $1 AND conversation_id = $2${lock ? ' FOR UPDATE' : ''}`,
    [agentId, conversationId],
  )
  return r ? toMark(r) : null
}
