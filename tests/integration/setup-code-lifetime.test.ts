import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import type { Clock } from '../../server/services/clock.ts'
import { SETUP_CODE_REPLACED_AFTER_MS } from '../../server/services/setup.ts'
import { TestServer } from '../support/server.ts'

// The setup code's life (issue 11): an operator who restarts the server before setting up gets the
// code already printed, still working; only a code a day old is replaced at a start, and the old one
// then stops working. Time is the server's clock, moved forward by the test.

/** Real time plus an offset the test moves. */
class MovableClock implements Clock {
  offset = 0
  now = () => Date.now() + this.offset
  id = () => randomUUID()
}

const setup = (code: string) => ({ code, workspaceName: 'Team Support', name: 'Ada Admin', email: 'ada@team.test', password: 'a long enough password' })

describe('setup code across restarts', () => {
  let server: TestServer | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  it('is the same after a restart the same day; a start a day later prints a new one and the old one is refused', async () => {
    const clock = new MovableClock()
    server = await TestServer.start({ empty: true, clock })
    const first = server.setupCode!
    expect(first).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/)

    clock.offset = SETUP_CODE_REPLACED_AFTER_MS - 60_000
    await server.restart()
    expect(server.setupCode).toBe(first)

    clock.offset = SETUP_CODE_REPLACED_AFTER_MS + 60_000
    await server.restart()
    const second = server.setupCode!
    expect(second).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/)
    expect(second).not.toBe(first)

    const refused = await server.request('/api/setup', { json: setup(first) })
    expect(refused.status).toBe(403)
    expect(await server.ctx.store.directory.countAccounts()).toBe(0)
    expect((await server.request('/api/setup', { json: setup(second) })).status).toBe(201)
  })

  it('a code printed long ago still works while no newer process has started', async () => {
    const clock = new MovableClock()
    server = await TestServer.start({ empty: true, clock })
    // Replacement happens at a start, never under a running process's printed code.
    clock.offset = 3 * SETUP_CODE_REPLACED_AFTER_MS
    expect((await server.request('/api/setup', { json: setup(server.setupCode!) })).status).toBe(201)
  })
})
