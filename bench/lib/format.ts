/** Nearest-rank percentile of unsorted samples. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}

export const mean = (samples: number[]): number => samples.reduce((a, b) => a + b, 0) / samples.length

export const ms = (v: number): string => `${v.toFixed(v < 10 ? 2 : 1)} ms`
export const seconds = (v: number): string => `${(v / 1000).toFixed(2)} s`
export const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`
export const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`
export const count = (n: number): string => n.toLocaleString('en-US')

/** `ours / plain` as "1.23x"; "n/a" when either side has no figure. */
export function ratio(value: number | null | undefined, plain: number | null | undefined): string {
  if (value == null || plain == null || !Number.isFinite(value) || !Number.isFinite(plain) || plain === 0) return 'n/a'
  return `${(value / plain).toFixed(2)}x`
}
