import type { ChannelType } from '../../shared/schemas/entities.ts'
import type { Rng } from './random.ts'
import type { Part, Shape } from './script.ts'

// When each step of a history happens: live chat moves in minutes, email and API in hours. Histories
// end recently if someone is still waiting on them, anywhere in the window if they were resolved.

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
export const WINDOW_MS = 30 * DAY

/** Minutes since the previous step: [live chat range, email and API range]. */
const GAP_MINUTES: Record<Part, [[number, number], [number, number]]> = {
  opening: [[0, 0], [0, 0]],
  opening2: [[0.3, 2], [2, 15]],
  followUp: [[3, 10], [180, 1800]],
  team: [[0.5, 5], [5, 120]],
  assign: [[0.5, 5], [5, 180]],
  note: [[1, 8], [3, 90]],
  ask: [[0.5, 4], [10, 240]],
  answer: [[1, 6], [20, 1200]],
  waiting: [[2, 15], [30, 600]],
  solution: [[2, 15], [30, 1440]],
  thanks: [[1, 4], [10, 480]],
  status: [[0.5, 5], [1, 20]],
}

/** How long ago the history's last step happened. Open ones skew recent: the inbox's top is fresh. */
function endAge(shape: Shape, rng: Rng): number {
  switch (shape) {
    case 'new':
      return 2 * MINUTE + rng.next() ** 2 * 36 * HOUR
    case 'awaiting-agent':
      return 5 * MINUTE + rng.next() ** 2 * 4 * DAY
    case 'pending':
      return HOUR + rng.next() * 6 * DAY
    case 'snoozed':
      return 30 * MINUTE + rng.next() * 5 * DAY
    case 'resolved':
      return HOUR + rng.next() * 29 * DAY
  }
}

/** Strictly increasing times (whole seconds) for the parts, all within the last WINDOW_MS before `now`. */
export function placeInTime(parts: Part[], channel: ChannelType, shape: Shape, now: number, rng: Rng): number[] {
  const offsets: number[] = []
  let elapsed = 0
  for (const part of parts) {
    const [min, max] = GAP_MINUTES[part][channel === 'live_chat' ? 0 : 1]
    if (offsets.length > 0) elapsed += Math.max(1000, Math.round(rng.between(min, max) * MINUTE / 1000) * 1000)
    offsets.push(elapsed)
  }
  const end = Math.floor((now - endAge(shape, rng)) / 1000) * 1000
  const start = Math.max(end - elapsed, now - WINDOW_MS)
  return offsets.map((offset) => start + offset)
}

/** A snooze ends between an hour and a week from now, on a five-minute mark. */
export function snoozeEnd(now: number, rng: Rng): number {
  const at = now + rng.between(HOUR, 7 * DAY)
  return Math.ceil(at / (5 * MINUTE)) * 5 * MINUTE
}
