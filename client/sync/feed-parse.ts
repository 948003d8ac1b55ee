import { z } from 'zod'
import { FeedEntry, type FeedPage } from '../../shared/schemas/feed.ts'

/** The kinds of feed entry this version of the app understands. */
export const KNOWN_KINDS: readonly string[] = FeedEntry.options.map((o) => o.shape.kind.value)

const Envelope = z.object({ entries: z.array(z.object({ kind: z.string() }).loose()), lastSeq: z.number(), hasMore: z.boolean() })

/**
 * Reads a feed page (or a push's entries) leniently about what is new: entries of a kind this app
 * version does not know yet (a newer server) are left out instead of failing the whole page, which
 * would stop the device's sync until the app updates. Entries of known kinds are validated strictly.
 * The app notices new kinds on its next version and reads the feed again (see engine start).
 */
export function parseFeedEntries(entries: unknown[]): FeedEntry[] {
  const known: FeedEntry[] = []
  for (const raw of entries) {
    const kind = (raw as { kind?: unknown } | null)?.kind
    if (typeof kind === 'string' && !KNOWN_KINDS.includes(kind)) continue
    known.push(FeedEntry.parse(raw))
  }
  return known
}

export function parseFeedPage(raw: unknown): FeedPage {
  const page = Envelope.parse(raw)
  return { entries: parseFeedEntries(page.entries), lastSeq: page.lastSeq, hasMore: page.hasMore }
}
