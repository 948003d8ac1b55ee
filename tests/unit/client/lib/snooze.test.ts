import { describe, expect, it } from 'vitest'
import { snoozeChoices, toLocalInput } from '../../../../client/lib/snooze.ts'

// Dates are built in local time (new Date(y, m, d, h, min)) and checked in local time, so these tests
// hold in any time zone the machine runs in.

const HOUR = 3600_000
const MONDAY = 1

function choice(now: Date, label: string): Date {
  const found = snoozeChoices(now).find((c) => c.label === label)
  if (!found) throw new Error(`no choice ${label}`)
  return new Date(found.until)
}

const localParts = (d: Date) => [d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds()]

describe('snoozeChoices', () => {
  it('offers an hour, tomorrow and next week, in that order', () => {
    expect(snoozeChoices(new Date(2025, 0, 8, 15, 30)).map((c) => c.label)).toEqual(['An hour', 'Tomorrow', 'Next week'])
  })

  it('snoozes "An hour" for exactly an hour', () => {
    const now = new Date(2025, 0, 8, 15, 30, 12, 345)
    expect(choice(now, 'An hour').getTime()).toBe(now.getTime() + HOUR)
  })

  it.each([
    ['mid-afternoon, with seconds on the clock', new Date(2025, 0, 8, 15, 30, 12, 345), [2025, 0, 9]],
    ['early morning, before 9:00', new Date(2025, 0, 8, 6, 0), [2025, 0, 9]],
    ['late on the last day of a month', new Date(2025, 0, 31, 23, 45), [2025, 1, 1]],
    ['on New Year\'s Eve', new Date(2025, 11, 31, 12, 0), [2026, 0, 1]],
    // The nights the clocks change in the US (9 March 2025) and the EU (30 March 2025).
    ['the evening before a US clock change', new Date(2025, 2, 8, 23, 30), [2025, 2, 9]],
    ['the evening before an EU clock change', new Date(2025, 2, 29, 23, 30), [2025, 2, 30]],
  ])('snoozes "Tomorrow" to 9:00 local the next day, %s', (_, now, [y, m, d]) => {
    expect(localParts(choice(now, 'Tomorrow'))).toEqual([y, m, d, 9, 0, 0, 0])
  })

  // 2025-01-06 is a Monday; the week runs to Sunday 2025-01-12.
  it.each([
    [6, 13],
    [7, 13],
    [8, 13],
    [9, 13],
    [10, 13],
    [11, 13],
    [12, 13],
  ])('snoozes "Next week" from January %i to Monday January %i at 9:00 local', (day, monday) => {
    const now = new Date(2025, 0, day, 14, 0, 59, 999)
    const until = choice(now, 'Next week')
    expect(localParts(until)).toEqual([2025, 0, monday, 9, 0, 0, 0])
    expect(until.getDay()).toBe(MONDAY)
  })

  it('snoozes "Next week" from early on a Monday to the following Monday, not the same morning', () => {
    expect(localParts(choice(new Date(2025, 0, 6, 7, 0), 'Next week'))).toEqual([2025, 0, 13, 9, 0, 0, 0])
  })

  it('snoozes "Next week" across a month end', () => {
    // 2025-01-30 is a Thursday.
    expect(localParts(choice(new Date(2025, 0, 30, 10, 0), 'Next week'))).toEqual([2025, 1, 3, 9, 0, 0, 0])
  })

  it('snoozes "Next week" across a clock change to 9:00 local, not 8:00 or 10:00', () => {
    // 2025-03-27 is a Thursday; the EU clocks change on the Sunday between.
    expect(localParts(choice(new Date(2025, 2, 27, 10, 0), 'Next week'))).toEqual([2025, 2, 31, 9, 0, 0, 0])
  })

  it('puts every choice in the future', () => {
    for (let day = 1; day <= 31; day++) {
      const now = new Date(2025, 2, day, 23, 59)
      for (const c of snoozeChoices(now)) expect(c.until).toBeGreaterThan(now.getTime())
    }
  })
})

describe('toLocalInput', () => {
  it('writes the local date and time to the minute, as a datetime-local input wants', () => {
    expect(toLocalInput(new Date(2025, 2, 4, 7, 5, 59, 999).getTime())).toBe('2025-03-04T07:05')
    expect(toLocalInput(new Date(2025, 11, 31, 23, 59).getTime())).toBe('2025-12-31T23:59')
  })

  it('reads back (as local time) to the same minute', () => {
    const ms = new Date(2025, 6, 14, 18, 42).getTime()
    expect(new Date(toLocalInput(ms)).getTime()).toBe(ms)
  })
})
