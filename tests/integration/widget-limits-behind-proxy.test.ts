import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TestServer } from '../support/server.ts'
import { websiteKey } from '../support/widget-visitor.ts'

// Behind a reverse proxy every visitor's socket is the proxy's: the widget's limits must count the
// address the proxy vouches for (TRUST_PROXY), or one busy visitor would shut out all the others.

describe('widget limits behind a trusted proxy', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await TestServer.start({ env: { TRUST_PROXY: '1' } })
  })
  afterAll(() => server.close())

  it('turns away the flooding visitor only; other visitors behind the same proxy start chats', async () => {
    const key = await websiteKey(server)
    const start = (address: string) =>
      server.request('/api/widget/session', { json: { key }, headers: { 'x-forwarded-for': address } })
    // More new visitors from one address than its bucket holds (60 at once, one a second after).
    const flood = await Promise.all(Array.from({ length: 100 }, () => start('203.0.113.7')))
    const refused = flood.filter((r) => r.status === 429)
    expect(refused.length).toBeGreaterThan(0)
    expect(Number(refused[0]!.headers.get('retry-after'))).toBeGreaterThan(0)
    // Right after, ten visitors at another address: a bucket shared with the flooder would have a token
    // or two (it refills at one a second), theirs is full.
    const others = await Promise.all(Array.from({ length: 10 }, (_, i) => start(`198.51.100.${i + 1}`)))
    expect(others.map((r) => r.status)).toEqual(Array(10).fill(200))
  })
})
