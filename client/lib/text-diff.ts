/** The single edit that turns `before` into `after` (a textarea changes one span per input event). */
export function textEdit(before: string, after: string): { index: number; remove: number; insert: string } {
  let start = 0
  const max = Math.min(before.length, after.length)
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++
  let end = 0
  while (end < max - start && before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)) end++
  return { index: start, remove: before.length - start - end, insert: after.slice(start, after.length - end) }
}

export type Delta = { retain?: number; insert?: unknown; delete?: number }[]

/** Where a caret at `index` goes when someone else's edit (a Yjs text delta) lands. */
export function transformIndex(index: number, delta: Delta): number {
  let position = 0
  let result = index
  for (const op of delta) {
    if (position > index) break
    if (op.retain !== undefined) position += op.retain
    else if (op.insert !== undefined) {
      const length = typeof op.insert === 'string' ? op.insert.length : 1
      if (position <= index) result += length
      position += length
    } else if (op.delete !== undefined) {
      const removed = Math.min(op.delete, Math.max(0, index - position))
      result -= removed
    }
  }
  return result
}
