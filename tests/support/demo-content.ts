import * as Y from 'yjs'
import { docName } from '../../shared/conversation-doc.ts'
import { projectConversation } from '../../shared/project-conversation.ts'
import type { Clock } from '../../server/services/clock.ts'
import type { Store } from '../../server/store/types.ts'
import { testSql } from './test-sql.ts'

// What the demo workspace holds, read back from the database in a form that does not depend on the
// backend or the run: every feed entry (its seq, kind and content), each conversation's doc as its
// stored update log projects it, and the jobs queued. Under a fixed clock two seeds give equal
// content exactly when they wrote the same things in the same order.

/** Values that differ on every run whatever the clock: Yjs client ids inside doc states, random
 *  widget keys. */
const RANDOM_KEYS = new Set(['state', 'widgetKey'])

/** Fixed time, and ids counted from 1: the same seed writes the same rows. `failAtId` makes the
 *  clock throw on that id, to stop a seed part-way. */
export function fixedClock(now: number, failAtId = Infinity): Clock & { ids: number } {
  const clock = {
    ids: 0,
    now: () => now,
    id: () => {
      clock.ids += 1
      if (clock.ids >= failAtId) throw new Error(`fixedClock: stopped at id ${clock.ids}`)
      return `00000000-0000-4000-8000-${clock.ids.toString(16).padStart(12, '0')}`
    },
  }
  return clock
}

export interface DemoContent {
  feed: { seq: number; kind: string; entityId: string; audience: string | null; entry: unknown }[]
  docs: { conversationId: string; updates: number; state: unknown }[]
  jobs: number
}

export async function demoContent(store: Store, accountId: string): Promise<DemoContent> {
  const sql = testSql(store)
  const rows = await sql.rows<{ seq: number; kind: string; entity_id: string; entry: string; audience?: string | null }>(
    'SELECT * FROM feed WHERE account_id = ? ORDER BY seq',
    [accountId],
  )
  const feed = rows.map((r) => ({
    seq: Number(r.seq),
    kind: r.kind,
    entityId: r.entity_id,
    audience: r.audience ?? null,
    entry: withoutRandom(JSON.parse(r.entry)),
  }))
  const conversations = await sql.rows<{ id: string }>('SELECT id FROM conversations WHERE account_id = ? ORDER BY number', [accountId])
  const docs = []
  for (const { id } of conversations) {
    const updates = await store.docs.loadDocUpdates(docName(id))
    const doc = new Y.Doc()
    for (const u of updates) Y.applyUpdate(doc, u.data)
    docs.push({ conversationId: id, updates: updates.length, state: projectConversation(doc) })
  }
  const [jobs] = await sql.rows<{ n: number | string }>('SELECT count(*) AS n FROM jobs WHERE account_id = ?', [accountId])
  return { feed, docs, jobs: Number(jobs?.n ?? 0) }
}

function withoutRandom(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutRandom)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(Object.entries(value).filter(([k]) => !RANDOM_KEYS.has(k)).map(([k, v]) => [k, withoutRandom(v)]))
}
