import type { InboxDatabase } from '../db/database.ts'
import type { ConversationRecord } from '../db/records.ts'
import { highlight, snippet, type SearchFilters, type Segment } from './search-index.ts'
import { SEQ_RANGE, type DeviceSearch } from './device-search.ts'

export interface SearchResultView {
  row: ConversationRecord
  name: Segment[]
  email: Segment[] | null
  /** The newest message with a matching word, around it; null when only the name, number, address
   *  or labels matched. */
  excerpt: { kind: string; text: Segment[] } | null
}

/** What the results list shows: the hits' rows, their highlighted names and the matching message. */
export async function resultViews(db: InboxDatabase, engine: DeviceSearch, query: string, filters: SearchFilters, limit = 50): Promise<SearchResultView[]> {
  const hits = engine.search(query, filters, limit)
  const rows = await db.conversations.bulkGet(hits.map((h) => h.id))
  const contacts = await db.contacts.bulkGet(rows.map((r) => r?.contactId ?? ''))
  const views = await Promise.all(
    hits.map(async (hit, i): Promise<SearchResultView | null> => {
      const row = rows[i]
      if (!row) return null
      const contact = contacts[i]
      const email = contact?.email ?? contact?.unverifiedEmail ?? null
      let excerpt: SearchResultView['excerpt'] = null
      if (hit.fields.includes('text')) {
        const messages = await db.messages.where('[conversationId+seq]').between([row.id, SEQ_RANGE[0]], [row.id, SEQ_RANGE[1]], true, true).reverse().toArray()
        for (const m of messages) {
          const text = m.kind === 'activity' ? null : snippet(m.body, hit.terms)
          if (text) {
            excerpt = { kind: m.kind, text }
            break
          }
        }
      }
      return { row, name: highlight(contact?.name ?? 'Unknown contact', hit.terms), email: email ? highlight(email, hit.terms) : null, excerpt }
    }),
  )
  return views.filter((v): v is SearchResultView => v !== null)
}
