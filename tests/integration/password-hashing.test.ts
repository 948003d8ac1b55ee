import { randomBytes, scryptSync } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HASH_SLOTS } from '../../server/services/secrets.ts'
import { TestServer } from '../support/server.ts'

// Each password check is scrypt at 128 MiB: a flood of sign-ins must neither run more than two at
// once (memory, libuv threads) nor slow the rest of the server; old, weaker hashes are upgraded.

describe('password hashing under a flood of sign-ins', { timeout: 120_000 }, () => {
  let server: TestServer
  beforeAll(async () => {
    // Limits out of the way: this is about the hash work, not about who may guess.
    server = await TestServer.start({ env: { SIGN_IN_FAILURES_PER_ADDRESS: '1000', SIGN_IN_FAILURES_PER_EMAIL: '1000' } })
  })
  afterAll(() => server.close())

  it('runs at most two hashes at once, refuses the overflow quickly with 503, and health stays fast', async () => {
    const { alice } = server.acme
    HASH_SLOTS.peak = 0
    let flooding = true
    let inFlightMax = 0
    const healthMs: number[] = []
    const health = (async () => {
      while (flooding) {
        inFlightMax = Math.max(inFlightMax, HASH_SLOTS.inFlight)
        const started = performance.now()
        expect((await server.request('/api/health')).status).toBe(200)
        healthMs.push(performance.now() - started)
        await new Promise((resolve) => setTimeout(resolve, 25))
      }
    })()

    const answers = await Promise.all(
      Array.from({ length: 50 }, () => server.request('/api/auth/sign-in', { json: { email: alice.email, password: alice.password } })),
    )
    flooding = false
    await health

    const statuses = answers.map((a) => a.status)
    expect(new Set(statuses)).toEqual(new Set([200, 503]))
    // Two run and eight wait: the rest are turned away at once.
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(HASH_SLOTS.running)
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThanOrEqual(50 - HASH_SLOTS.running - HASH_SLOTS.waiting)
    const busy = answers.find((a) => a.status === 503)!
    expect(Number(busy.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(HASH_SLOTS.peak).toBeLessThanOrEqual(2)
    expect(inFlightMax).toBeLessThanOrEqual(2)
    expect(healthMs.length).toBeGreaterThan(3)
    // The hashes run on libuv threads, not the event loop: health answers as usual (generous for a
    // loaded CI machine; a blocked loop would take the hash's whole time, seconds here).
    expect(median(healthMs)).toBeLessThan(200)
  })

  it('upgrades a hash of older parameters on a successful sign-in, and not on a failed one', async () => {
    const { bob } = server.acme
    const before = (await server.ctx.store.directory.findAgentByEmail(bob.email))!
    const legacy = legacyHash(bob.password)
    expect(await server.ctx.store.passwords.replaceHash(bob.id, before.passwordHash, legacy)).toBe(true)

    expect((await server.request('/api/auth/sign-in', { json: { email: bob.email, password: 'wrong' } })).status).toBe(401)
    expect((await server.ctx.store.directory.findAgentByEmail(bob.email))!.passwordHash).toBe(legacy)

    expect((await server.request('/api/auth/sign-in', { json: { email: bob.email, password: bob.password } })).status).toBe(200)
    const upgraded = (await server.ctx.store.directory.findAgentByEmail(bob.email))!.passwordHash
    expect(upgraded).toMatch(/^scrypt\$131072\$8\$1\$/)
    // And the new hash is the password's.
    expect((await server.request('/api/auth/sign-in', { json: { email: bob.email, password: bob.password } })).status).toBe(200)
  })
})

/** As the server wrote hashes before this change: `scrypt$N$salt$key` with N=2^15, r=8, p=1. */
function legacyHash(password: string): string {
  const salt = randomBytes(16)
  const key = scryptSync(password, salt, 32, { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 })
  return `scrypt$${1 << 15}$${salt.toString('base64')}$${key.toString('base64')}`
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}
