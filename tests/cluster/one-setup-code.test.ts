import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Cluster, startCluster } from '../support/cluster.ts'
import type { ServerProcess } from '../support/server-process.ts'

// One setup code for the whole service (issue 11): processes started at once on an empty database
// without the demo print the same code, whichever log the operator reads, and that code sets up
// the workspace through any of them.

/** The code as the operator reads it off the process's log. */
const printedCode = (p: ServerProcess): string | undefined => p.output().match(/one-time setup code:\s+(\S+)/)?.[1]

const post = (p: ServerProcess, body: unknown) =>
  fetch(`${p.url}/api/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

describe('one setup code for several processes', () => {
  let cluster: Cluster

  beforeAll(async () => {
    // Both started at the same moment on a fresh, empty schema.
    cluster = await startCluster(2, { env: { DEMO: '0' } })
  }, 120_000)
  afterAll(async () => {
    await cluster?.stop()
  })

  it('every process prints the same code, and it sets up the workspace through either of them', async () => {
    const [a, b] = cluster.processes as [ServerProcess, ServerProcess]
    const codes = [printedCode(a), printedCode(b)]
    expect(codes[0], a.output()).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/)
    expect(codes[1], b.output()).toBe(codes[0])

    const setup = { code: codes[0], workspaceName: 'Team Support', name: 'Ada Admin', email: 'ada@team.test', password: 'a long enough password' }
    // Through one process; the other then knows the workspace exists.
    const done = await post(b, setup)
    expect(done.status, await done.clone().text()).toBe(201)
    expect(await (await fetch(`${a.url}/api/setup`)).json()).toEqual({ needed: false })
    expect((await post(a, { ...setup, email: 'eve@team.test' })).status).toBe(409)
    expect(await cluster.query('SELECT id FROM setup_code')).toEqual([])

    // A process started after setup prints no code.
    const c = await cluster.start()
    expect(printedCode(c)).toBeUndefined()
    expect(c.output()).not.toContain('No workspace yet')
  })
})
