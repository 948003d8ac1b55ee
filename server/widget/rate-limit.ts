/**
 * Token buckets per key (a client address, a visitor): `capacity` requests at once, then `perSecond`.
 * In memory and per process, which is enough to keep one client from flooding the public widget
 * endpoints with contacts and messages; it is not an accounting system.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>()

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    private readonly maxKeys = 20_000,
  ) {}

  /** Takes one request's token: 0 when allowed, otherwise the seconds to wait. */
  take(key: string, now: number): number {
    const bucket = this.buckets.get(key)
    const tokens = bucket ? Math.min(this.capacity, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond) : this.capacity
    if (tokens < 1) {
      if (bucket) Object.assign(bucket, { tokens, at: now })
      return Math.ceil((1 - tokens) / this.perSecond)
    }
    if (!bucket && this.buckets.size >= this.maxKeys) this.prune(now)
    this.buckets.set(key, { tokens: tokens - 1, at: now })
    return 0
  }

  /** Forgets keys whose bucket has filled up again (they are as good as new). */
  private prune(now: number): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.perSecond >= this.capacity) this.buckets.delete(key)
    }
    // Everyone is busy: start over rather than grow without bound.
    if (this.buckets.size >= this.maxKeys) this.buckets.clear()
  }
}
