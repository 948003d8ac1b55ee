import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TooManyAttempts } from '../../shared/schemas/api.ts'
import { type ApiResponse, TestServer } from '../support/server.ts'

// Guessing passwords is limited per client address and per email; behind a trusted proxy the address
// is the one X-Forwarded-For vouches for, and without TRUST_PROXY that header is ignored.
// Small limits (set as an operator would) keep each scrypt-checked failure count low.

const WRONG = 'not the password'

describe('sign-in limits, served directly (no TRUST_PROXY)', { timeout: 60_000 }, () => {
  let server: TestServer
  beforeAll(async () => {
    server = await TestServer.start({ env: { SIGN_IN_FAILURES_PER_ADDRESS: '3', SIGN_IN_FAILURES_PER_EMAIL: '10' } })
  })
  afterAll(() => server.close())

  it('answers 429 with Retry-After after the failures an address may make, even to the right password', async () => {
    const { alice, bob } = server.acme
    for (let i = 0; i < 3; i++) {
      expect((await server.request('/api/auth/sign-in', { json: { email: alice.email, password: WRONG } })).status).toBe(401)
    }
    const blocked = await server.request<TooManyAttempts>('/api/auth/sign-in', { json: { email: alice.email, password: alice.password } })
    expectTooMany(blocked, 15 * 60)
    expect(blocked.body.error).toBe('Too many attempts. Try again in 15 minutes.')
    expect(blocked.headers.get('set-cookie')).toBeNull()
    // The address is blocked whatever it tries, on the token route too.
    expectTooMany(await server.request('/api/auth/sign-in', { json: { email: bob.email, password: bob.password } }), 15 * 60)
    expectTooMany(await server.request('/api/auth/tokens', { json: { email: bob.email, password: bob.password } }), 15 * 60)
  })

  it('ignores a forged X-Forwarded-For: the socket address is the client', async () => {
    const { bob } = server.acme
    const forged = await server.request('/api/auth/sign-in', {
      json: { email: bob.email, password: bob.password },
      headers: { 'x-forwarded-for': '198.51.100.77' },
    })
    expectTooMany(forged, 15 * 60)
  })
})

// Each failure is a real scrypt check (a few hundred ms, seconds on a loaded machine).
describe('sign-in limits behind one trusted proxy (TRUST_PROXY=1)', { timeout: 60_000 }, () => {
  let server: TestServer
  beforeAll(async () => {
    server = await TestServer.start({ env: { TRUST_PROXY: '1', SIGN_IN_FAILURES_PER_ADDRESS: '3', SIGN_IN_FAILURES_PER_EMAIL: '4' } })
  })
  afterAll(() => server.close())

  const from = (address: string, body: { email: string; password: string }, path = '/api/auth/sign-in') =>
    server.request<TooManyAttempts>(path, { json: body, headers: { 'x-forwarded-for': address } })

  it('tells clients apart by X-Forwarded-For, and only the right-most entry counts', async () => {
    const { alice } = server.acme
    for (let i = 0; i < 3; i++) expect((await from('203.0.113.1', { email: alice.email, password: WRONG })).status).toBe(401)
    expectTooMany(await from('203.0.113.1', { email: alice.email, password: alice.password }), 15 * 60)
    // Prepending an address of one's choosing does not make a new client: our proxy appends the real one.
    expectTooMany(await from('192.0.2.99, 203.0.113.1', { email: alice.email, password: alice.password }), 15 * 60)
    // Another visitor behind the same proxy is not held up by the first one's failures.
    expect((await from('203.0.113.2', { email: alice.email, password: alice.password })).status).toBe(200)
  })

  it('limits failures against one email from many addresses, and the block ends the email only', async () => {
    const { alice, bob } = server.acme
    // Four addresses, one failure each: no address is blocked, but bob's email has had its four.
    for (let i = 1; i <= 4; i++) expect((await from(`198.51.100.${i}`, { email: bob.email, password: WRONG })).status).toBe(401)
    const blocked = await from('198.51.100.50', { email: bob.email, password: bob.password })
    expectTooMany(blocked, 15 * 60)
    expectTooMany(await from('198.51.100.51', { email: bob.email, password: bob.password }, '/api/auth/tokens'), 15 * 60)
    // The same fresh address signs in to another email.
    expect((await from('198.51.100.50', { email: alice.email, password: alice.password })).status).toBe(200)
  })

  it("forgives an address for its owner's successes, and the owner's success clears the email's failures", async () => {
    const { alice } = server.acme
    const me = '203.0.113.9'
    // Two failures, then the right password: the success clears alice's count, so two more failures
    // and a success fit in; counted together (six attempts) they would pass the email's four.
    for (let i = 0; i < 2; i++) expect((await from(me, { email: alice.email, password: WRONG })).status).toBe(401)
    expect((await from(me, { email: alice.email, password: alice.password })).status).toBe(200)
    expect((await from('203.0.113.10', { email: alice.email, password: WRONG })).status).toBe(401)
    expect((await from('203.0.113.11', { email: alice.email, password: WRONG })).status).toBe(401)
    expect((await from(me, { email: alice.email, password: alice.password })).status).toBe(200)
  })
})

function expectTooMany(res: ApiResponse<unknown>, windowSeconds: number): void {
  expect(res.status, res.text).toBe(429)
  const retryAfter = Number(res.headers.get('retry-after'))
  expect(retryAfter).toBeGreaterThan(0)
  expect(retryAfter).toBeLessThanOrEqual(windowSeconds)
  const body = res.body as TooManyAttempts
  expect(body.retryAfterSeconds).toBe(retryAfter)
  expect(body.error).toMatch(/^Too many attempts\. Try again in \d+ (minutes?|seconds?)\.$/)
}
