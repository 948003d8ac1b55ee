import { randomUUID } from 'node:crypto'

/** Time and ids enter the domain through here, so tests can drive them and shared/ stays pure. */
export interface Clock {
  now(): number
  id(): string
}

export const systemClock: Clock = { now: () => Date.now(), id: () => randomUUID() }
