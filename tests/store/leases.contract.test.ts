import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { storeBackends } from '../support/stores.ts'
import { useStore } from './fixture.ts'

// Named leases (issue 11): work that one server process of several runs at a time. A lease is free,
// expired, or held; its holder may renew it; a crashed holder's lease is taken once it expires.

describe.each(storeBackends())('leases store ($name)', (backend) => {
  const opened = useStore(backend)

  it('one holder at a time until the lease expires or is given back', async () => {
    const { store } = opened
    const name = `job-${randomUUID()}`
    expect(await store.leases.tryAcquire(name, 'p1', 1_000, 61_000)).toBe(true)
    expect(await store.leases.tryAcquire(name, 'p2', 2_000, 62_000)).toBe(false)
    // Its holder renews it.
    expect(await store.leases.tryAcquire(name, 'p1', 30_000, 90_000)).toBe(true)
    expect(await store.leases.tryAcquire(name, 'p2', 61_000, 121_000)).toBe(false)
    // Expired: another process takes it, and the old holder no longer has it.
    expect(await store.leases.tryAcquire(name, 'p2', 90_000, 150_000)).toBe(true)
    expect(await store.leases.tryAcquire(name, 'p1', 91_000, 151_000)).toBe(false)
    // Only the holder can give it back.
    await store.leases.release(name, 'p1')
    expect(await store.leases.tryAcquire(name, 'p3', 92_000, 152_000)).toBe(false)
    await store.leases.release(name, 'p2')
    expect(await store.leases.tryAcquire(name, 'p3', 92_000, 152_000)).toBe(true)
  })

  it('leases of different names are independent', async () => {
    const { store } = opened
    const [x, y] = [`x-${randomUUID()}`, `y-${randomUUID()}`]
    expect(await store.leases.tryAcquire(x, 'p1', 0, 60_000)).toBe(true)
    expect(await store.leases.tryAcquire(y, 'p2', 0, 60_000)).toBe(true)
  })

  it('of many processes racing for a free lease, exactly one gets it', async () => {
    const { store } = opened
    const name = `race-${randomUUID()}`
    const holders = Array.from({ length: 8 }, (_, i) => `p${i}`)
    const won = await Promise.all(holders.map((h) => store.leases.tryAcquire(name, h, 5_000, 65_000)))
    expect(won.filter(Boolean)).toHaveLength(1)
  })
})
