import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { storeBackends } from '../support/stores.ts'
import { seedAccount, useStore } from './fixture.ts'

// A hash upgrade after sign-in is a compare-and-set: it never undoes a password change made meanwhile.

describe.each(storeBackends())('passwords store ($name)', (backend) => {
  const opened = useStore(backend)

  it('replaces the hash only while it is still the expected one', async () => {
    const { store } = opened
    const { agentId } = await seedAccount(store)
    expect(await store.passwords.replaceHash(agentId, 'h1', 'h2')).toBe(true)
    expect((await store.directory.getAgent(agentId))?.passwordHash).toBe('h2')
    expect(await store.passwords.replaceHash(agentId, 'h1', 'h3')).toBe(false)
    expect((await store.directory.getAgent(agentId))?.passwordHash).toBe('h2')
    expect(await store.passwords.replaceHash(randomUUID(), 'h2', 'h3')).toBe(false)
  })

  it('of two concurrent upgrades from the same hash, exactly one wins', async () => {
    const { store } = opened
    const { agentId } = await seedAccount(store)
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((next) => store.passwords.replaceHash(agentId, 'h1', next)))
    expect(results.filter(Boolean)).toHaveLength(1)
    const winner = ['a', 'b', 'c', 'd'][results.indexOf(true)]
    expect((await store.directory.getAgent(agentId))?.passwordHash).toBe(winner)
  })
})
