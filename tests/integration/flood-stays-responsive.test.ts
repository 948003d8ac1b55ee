import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HEADERS_TIMEOUT_MS } from '../../server/http/server-limits.ts'
import { eventually } from '../support/eventually.ts'
import { type Flood, halfUpgrades, healthLatencies, idleSmtp, percentile, slowLorisHttp } from '../support/flood.ts'
import { type AgentClient, TestServer } from '../support/server.ts'

// Hardening issue, "tests that keep it fixed": a slow-loris and connection flood on HTTP, WebSocket and
// SMTP (bounded, loopback only, stops by itself) leaves the server responsive and every acknowledged
// write kept. The server cuts sockets that never finish their headers (server/http/server-limits.ts).
// The figures under heavier floods: `npm run bench -- flood`.

describe('a connection flood on every port', () => {
  let server: TestServer
  let alice: AgentClient

  beforeAll(async () => {
    server = await TestServer.start()
    alice = await server.clientFor(server.acme.alice)
  })
  afterAll(() => server.close())

  it('300 slow-loris HTTP, 300 half-sent upgrades and 100 idle SMTP connections: health stays fast, a reply is stored, stalled sockets are cut', async () => {
    const { conversationId } = await server.customerWrites({ email: 'flood@customer.test' }, 'Are you still there?')
    const basedOnSeq = (await alice.feedAll()).cursor
    const floods: Flood[] = [
      slowLorisHttp(server.port, 300, 30_000),
      halfUpgrades(server.port, 300, `/sync/conv:${conversationId}`, 30_000),
      idleSmtp(server.ctx.email.inboundPort!, 100, 30_000),
    ]
    const [loris, upgrades, smtp] = floods as [Flood, Flood, Flood]
    const replyId = randomUUID()
    try {
      await eventually(() => {
        for (const f of floods) expect(f.opened + f.failed, f.what).toBe(f.wanted)
      })
      for (const f of floods) expect(f.opened, f.what).toBe(f.wanted)
      await eventually(() => expect(smtp.answered).toBe(smtp.wanted))

      const during = await healthLatencies(server.url, 60)
      expect(percentile(during, 99)).toBeLessThan(500)
      const reply = await alice.postMessage(conversationId, { id: replyId, kind: 'reply', body: 'Yes, here.', basedOnSeq })
      expect(reply.status).toBe(201)

      // Headers never finished: the server drops both kinds within its headers timeout (+1 s checks).
      await eventually(
        () => {
          expect(loris.closedByServer).toBe(loris.wanted)
          expect(upgrades.closedByServer).toBe(upgrades.wanted)
        },
        { timeout: HEADERS_TIMEOUT_MS + 8_000, interval: 250 },
      )
    } finally {
      for (const f of floods) f.stop()
    }
    // Acknowledged means kept: the reply is there after a restart.
    await server.restart()
    const view = await alice.conversation(conversationId)
    expect(view.messages.map((m) => m.id)).toContain(replyId)
    expect(percentile(await healthLatencies(server.url, 10), 99)).toBeLessThan(500)
  }, 60_000)
})
