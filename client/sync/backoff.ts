/** Exponential backoff with full jitter: after a server restart, clients come back spread over the
 *  window instead of all at the same instant. `random` is injectable for tests. */
export function backoffDelay(attempt: number, { base = 500, max = 30_000, random = Math.random } = {}): number {
  const ceiling = Math.min(max, base * 2 ** Math.min(attempt, 16))
  return Math.floor(random() * ceiling)
}
