const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })
const dayFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' })
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })

/** List times: "14:05" today, "Mar 3" before. */
export function shortTime(ms: number, now: number): string {
  const d = new Date(ms)
  const today = new Date(now)
  return d.toDateString() === today.toDateString() ? timeFormat.format(d) : dayFormat.format(d)
}

export const fullTime = (ms: number): string => fullFormat.format(new Date(ms))

export const initials = (name: string): string =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]!.toUpperCase())
    .join('')

export const statusLabel = { open: 'Open', pending: 'Pending', snoozed: 'Snoozed', resolved: 'Resolved' } as const

/** Tab counts stay narrow: 2616 reads 2.6k, 12400 reads 12k. */
export const compactCount = (n: number): string =>
  n < 1000 ? String(n) : n < 10_000 ? `${(Math.floor(n / 100) / 10).toString()}k` : `${Math.floor(n / 1000)}k`
