import { DEMO_EMAIL, DEMO_PASSWORD } from './demo-agent.ts'

// The whole feed read once from Node, before any browser: what a device must end up holding (the
// count the bootstrap is checked against), and how long the server and the wire alone take for it.

const PAGE = 2000

export interface FeedReference {
  pages: number
  entries: number
  conversations: number
  lastSeq: number
  /** Decoded JSON, summed over the pages, and per entry kind (entries re-serialised: near enough). */
  jsonBytes: number
  jsonByKind: Map<string, number>
  /** Conversation entries in each page: where in the catch-up the list can fill. */
  conversationsPerPage: number[]
  meanStateBase64: number
  /** Fetch (gzip) and JSON.parse of every page, one after the other. */
  ms: number
}

interface RawPage {
  entries: { seq: number; kind: string; conversation?: { id: string }; state?: string }[]
  lastSeq: number
  hasMore: boolean
}

export async function readWholeFeed(baseUrl: string): Promise<FeedReference> {
  const signIn = await fetch(`${baseUrl}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: DEMO_EMAIL, password: DEMO_PASSWORD }),
  })
  if (!signIn.ok) throw new Error(`sign-in: ${signIn.status}`)
  const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
  const ids = new Set<string>()
  let after = 0
  let pages = 0
  let entries = 0
  let jsonBytes = 0
  let stateChars = 0
  let lastSeq = 0
  const jsonByKind = new Map<string, number>()
  const conversationsPerPage: number[] = []
  const started = performance.now()
  for (;;) {
    const res = await fetch(`${baseUrl}/api/feed?after=${after}&limit=${PAGE}`, { headers: { cookie } })
    if (!res.ok) throw new Error(`feed: ${res.status}`)
    const text = await res.text()
    const page = JSON.parse(text) as RawPage
    pages += 1
    jsonBytes += Buffer.byteLength(text)
    entries += page.entries.length
    lastSeq = page.lastSeq
    let conversations = 0
    for (const e of page.entries) {
      jsonByKind.set(e.kind, (jsonByKind.get(e.kind) ?? 0) + JSON.stringify(e).length)
      if (e.kind !== 'conversation' || !e.conversation) continue
      conversations += 1
      ids.add(e.conversation.id)
      stateChars += e.state?.length ?? 0
    }
    conversationsPerPage.push(conversations)
    if (!page.hasMore) break
    after = page.entries.at(-1)!.seq
  }
  const ms = performance.now() - started
  const meanStateBase64 = stateChars / Math.max(1, ids.size)
  return { pages, entries, conversations: ids.size, lastSeq, jsonBytes, jsonByKind, conversationsPerPage, meanStateBase64, ms }
}
