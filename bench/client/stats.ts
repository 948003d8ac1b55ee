/** Median and range of a few repetitions (3 by default: enough to see noise, not to model it). */
export interface Spread {
  median: number
  min: number
  max: number
  n: number
}

export function spread(samples: number[]): Spread {
  if (samples.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, n: 0 }
  const sorted = [...samples].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  return { median, min: sorted[0]!, max: sorted.at(-1)!, n: sorted.length }
}

/** "1.23 s (1.10–1.40)": the median, then the range when there was more than one run. */
export function showSpread(s: Spread, format: (v: number) => string): string {
  if (s.n === 0) return 'n/a'
  return s.n === 1 ? format(s.median) : `${format(s.median)} (${format(s.min)}–${format(s.max)})`
}

/** Value against an upper-bound target: "0.62x, within" or "1.48x, OVER". */
export function verdict(value: number, target: number): string {
  if (!Number.isFinite(value)) return 'n/a'
  const r = value / target
  return `${r.toFixed(2)}x, ${r <= 1 ? 'within' : 'OVER'}`
}
