/**
 * The row `j`/`k` land on. It starts from the row the agent was on (the open conversation) and stays
 * on its conversation when the list reorders under it; a row that left the list restarts at the edge.
 */
export function stepCursor(ids: readonly string[], current: string | null, delta: 1 | -1): string | null {
  if (ids.length === 0) return null
  const at = current === null ? -1 : ids.indexOf(current)
  if (at === -1) return delta === 1 ? ids[0]! : ids[ids.length - 1]!
  return ids[Math.min(ids.length - 1, Math.max(0, at + delta))]!
}
