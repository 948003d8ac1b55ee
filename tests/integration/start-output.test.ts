import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { removeDataDir, type ServerProcess, startServerProcess } from '../support/server-process.ts'
import { onPostgres } from '../support/test-database.ts'

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
    // Which database it runs on; PostgreSQL without REDIS_URL is one process, and says so.
    if (onPostgres()) {
      expect(output).toMatch(/\(data: PostgreSQL at [^)]+\)/)
      expect(output).toContain('PostgreSQL without REDIS_URL: this runs as ONE server process')
    } else {
      expect(output).toContain(`(data: SQLite in ${server.dataDir})`)
      expect(output).not.toContain('REDIS_URL')
    }
    const res = await fetch(`${server.url}/api/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code, workspaceName: 'Printed', name: 'Pat', email: 'pat@printed.test', password: 'printed password' }),
    })
    expect(res.status).toBe(201)
  }, 240_000)

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
  }, 300_000)

  it('`npm run serve` without a client build says to build first, and does not start', () => {
    const root = path.resolve(import.meta.dirname, '../..')
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'server/serve.ts'], {
      cwd: root,
      env: { ...process.env, STATIC_DIR: path.join(root, 'no-such-build'), PORT: '0', SMTP_INBOUND_PORT: '0' },
      encoding: 'utf8',
      timeout: 60_000,
    })
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('The client is not built')
    expect(run.stderr).toContain('npm run build')
    expect(run.stdout).not.toContain('running at')
  }, 240_000)
})
