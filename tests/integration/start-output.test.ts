import { afterEach, describe, expect, it } from 'vitest'
import { removeDataDir, type ServerProcess, startServerProcess } from '../support/server-process.ts'

// What `npm start` prints (server/main.ts, run as its own process): the first run's setup code and
// address, and the warning when the demo can be reached from other machines.

describe('start-up output', () => {
  let server: ServerProcess | undefined
  afterEach(async () => {
    await server?.stop()
    if (server) removeDataDir(server.dataDir)
    server = undefined
  })

  it('DEMO=0 on an empty database prints the /setup address and a one-time code that sets the workspace up', async () => {
    server = await startServerProcess({ serveApp: false, env: { DEMO: '0' } })
    const output = server.output()
    expect(output).toContain(`${server.url}/setup`)
    const code = output.match(/setup code:\s+([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})/)?.[1]
    expect(code).toBeDefined()
    expect(output).not.toContain('WARNING')
    const res = await fetch(`${server.url}/api/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code, workspaceName: 'Printed', name: 'Pat', email: 'pat@printed.test', password: 'printed password' }),
    })
    expect(res.status).toBe(201)
  }, 90_000)

  it('the demo served beyond loopback prints a loud warning; on loopback it does not', async () => {
    server = await startServerProcess({ serveApp: false })
    expect(server.output()).not.toContain('WARNING')
    const dataDir = server.dataDir
    await server.stop()
    // The same demo data, listening on every interface (for the few seconds of this test).
    server = await startServerProcess({ serveApp: false, dataDir, env: { HOST: '0.0.0.0' } })
    const output = server.output()
    expect(output).toMatch(/WARNING: the DEMO workspace is being served on 0\.0\.0\.0/)
    expect(output).toContain('DEMO=0')
    expect(output).not.toContain('one-time setup code:')
    // Two starts of a separate process, the first seeding the demo workspace.
  }, 150_000)
})
