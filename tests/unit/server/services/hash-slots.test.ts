import { describe, expect, it } from 'vitest'
import { HashBusyError, HashSlots } from '../../../../server/services/hash-slots.ts'

/** Work that finishes when the test says so. */
function gate() {
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  return { open, work: () => opened }
}

describe('hash slots', () => {
  it('runs at most `running` at once, queues `waiting` more in order, refuses the rest at once', async () => {
    const slots = new HashSlots(2, 3)
    const gates = Array.from({ length: 5 }, gate)
    const order: number[] = []
    const runs = gates.map((g, i) => slots.run(async () => (await g.work(), order.push(i))))
    expect(slots.inFlight).toBe(2)
    expect(slots.queued).toBe(3)
    await expect(slots.run(async () => 'too many')).rejects.toBeInstanceOf(HashBusyError)

    for (const g of gates) g.open()
    await Promise.all(runs)
    expect(slots.peak).toBe(2)
    expect(order).toEqual([0, 1, 2, 3, 4])
    expect(slots.inFlight).toBe(0)
  })

  it('hands a finished slot to the next in line, so a newcomer arriving meanwhile waits its turn', async () => {
    const slots = new HashSlots(1, 5)
    const first = gate()
    const running = slots.run(first.work)
    const queued = slots.run(async () => 'queued')
    first.open()
    // Same tick as the hand-over: the newcomer must not run beside the one just handed the slot.
    const newcomer = slots.run(async () => 'newcomer')
    await Promise.all([running, queued, newcomer])
    expect(slots.peak).toBe(1)
  })

  it('frees the slot when the work fails', async () => {
    const slots = new HashSlots(1, 0)
    await expect(slots.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    await expect(slots.run(async () => 'next')).resolves.toBe('next')
  })
})
