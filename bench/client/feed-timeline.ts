import type { ResourceEntry } from './probe.ts'

// Where a catch-up's time goes, from the page's own Resource Timing of its /api/feed requests: before
// the first request (sign-in, workspace, opening Dexie and the feed socket), requests in flight, and
// time with no request in flight (the page parsing and storing pages it already has).

export interface FeedTimeline {
  pages: number
  /** Gzip bodies as they came over the wire, and the JSON they decoded to. */
  wireBytes: number
  jsonBytes: number
  beforeFirstRequestMs: number
  /** Union of the intervals with at least one feed request in flight. */
  inFlightMs: number
  /** Sum over requests of request sent → first byte (the server reading and serialising the page). */
  serverWaitMs: number
  /** From the first request to the end, with no feed request in flight. */
  nothingInFlightMs: number
  lastResponseToEndMs: number
}

export const isFeedPage = (r: ResourceEntry): boolean => new URL(r.name).pathname === '/api/feed'

export function feedTimeline(resources: ResourceEntry[], startAt: number, endAt: number): FeedTimeline {
  const feed = resources.filter(isFeedPage).sort((a, b) => a.startTime - b.startTime)
  let inFlight = 0
  let coveredUntil = -Infinity
  for (const r of feed) {
    const from = Math.max(r.startTime, coveredUntil)
    if (r.responseEnd > from) inFlight += r.responseEnd - from
    coveredUntil = Math.max(coveredUntil, r.responseEnd)
  }
  const first = feed[0]?.startTime ?? endAt
  const lastEnd = feed.length ? Math.max(...feed.map((r) => r.responseEnd)) : endAt
  return {
    pages: feed.length,
    wireBytes: feed.reduce((sum, r) => sum + r.encodedBodySize, 0),
    jsonBytes: feed.reduce((sum, r) => sum + r.decodedBodySize, 0),
    beforeFirstRequestMs: first - startAt,
    inFlightMs: inFlight,
    serverWaitMs: feed.reduce((sum, r) => sum + (r.responseStart - r.requestStart), 0),
    nothingInFlightMs: endAt - first - inFlight,
    lastResponseToEndMs: endAt - lastEnd,
  }
}
