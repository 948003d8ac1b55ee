import type { ReadMark } from '../../../shared/schemas/notifications.ts'
import { type NewReadMark, type ReadStore, type ReadWrite, nextSeenSeq, readEntityId } from '../reads.ts'
import type { FeedAppender, StatementCache } from './feed-append.ts'

interface ReadColumns {
  agent_id: string
  conversation_id: string
  seen_seq: number
  at: number
}

const toMark = (r: ReadColumns): ReadMark => ({ agentId: r.agent_id, conversationId: r.conversation_id, seenSeq: r.seen_seq, at: r.at })

export class SqliteReadStore implements ReadStore {
  constructor(
    private readonly statements: StatementCache,
    private readonly feed: FeedAppender,
  ) {}

  async get(agentId: string, conversationId: string): Promise<ReadMark | null> {
    return this.row(agentId, conversationId)
  }

  async mark(input: NewReadMark): Promise<ReadWrite> {
    return this.statements.db.transaction((): ReadWrite => {
      const current = this.row(input.agentId, input.conversationId)
      const seenSeq = nextSeenSeq(current?.seenSeq ?? null, input)
      // Idempotent: a repeat (or an older device's late request) writes nothing and takes no seq.
      if (current && current.seenSeq === seenSeq) return { mark: current, entries: [] }
      const mark: ReadMark = { agentId: input.agentId, conversationId: input.conversationId, seenSeq, at: input.at }
      this.statements
        .sql(
          `INSERT INTO read_marks (account_id, agent_id, conversation_id, seen_seq, at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (agent_id, conversation_id) DO UPDATE SET seen_seq = excluded.seen_seq, at = excluded.at`,
        )
        .run(input.accountId, mark.agentId, mark.conversationId, mark.seenSeq, mark.at)
      const entityId = readEntityId(mark.agentId, mark.conversationId)
      const entry = this.feed.append(input.accountId, entityId, { seq: this.feed.nextSeq(input.accountId), kind: 'read', read: mark })
      return { mark, entries: [entry] }
    })()
  }

  private row(agentId: string, conversationId: string): ReadMark | null {
    const r = this.statements.sql('SELECT * FROM read_marks WHERE agent_id = ? AND conversation_id = ?').get(agentId, conversationId) as
      | ReadColumns
      | undefined
    return r ? toMark(r) : null
  }
}
