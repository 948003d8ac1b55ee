/** The snooze menu's choices, in the agent's local time. */
export function snoozeChoices(now: Date): { label: string; until: number }[] {
  const tomorrow = new Date(now)
  tomorrow.setDate(now.getDate() + 1)
  tomorrow.setHours(9, 0, 0, 0)
  const nextWeek = new Date(now)
  // Next Monday at 9:00 (a week ahead if today is Monday).
  nextWeek.setDate(now.getDate() + (((8 - now.getDay()) % 7) || 7))
  nextWeek.setHours(9, 0, 0, 0)
  return [
    { label: 'An hour', until: now.getTime() + 3600_000 },
    { label: 'Tomorrow', until: tomorrow.getTime() },
    { label: 'Next week', until: nextWeek.getTime() },
  ]
}

/** The value for a datetime-local input, in local time. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000)
  return d.toISOString().slice(0, 16)
}
