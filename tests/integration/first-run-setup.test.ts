import { afterEach, describe, expect, it } from 'vitest'
import type { Workspace } from '../../shared/schemas/api.ts'
import type { FeedPage } from '../../shared/schemas/feed.ts'
import { TestServer } from '../support/server.ts'

// First run without the demo (issue 9): the server prints a one-time code; whoever types it creates
// the workspace and becomes its administrator, once. Never a second workspace this way.

const setup = (code: string, email = 'ada@team.test') => ({
  code,
  workspaceName: 'Team Support',
  name: 'Ada Admin',
  email,
  password: 'a long enough password',
})

const sessionCookie = (headers: Headers): string | undefined => headers.get('set-cookie')?.match(/inbox_session=[^;]+/)?.[0]

describe('first-run setup', () => {
  let server: TestServer | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  it('refuses a wrong code, then the right code creates the workspace and signs its administrator in; the code is dead after', async () => {
    server = await TestServer.start({ empty: true })
    const code = server.setupCode
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/)
    expect((await server.request('/api/setup')).body).toEqual({ needed: true })

    const wrong = await server.request<{ error: string; fields: { path: string }[] }>('/api/setup', { json: setup('AAAA-BBBB-CCCC') })
    expect(wrong.status).toBe(403)
    expect(wrong.body.error).toBe('That setup code is not right. Use the code the server printed at start.')
    expect(wrong.body.fields.map((f) => f.path)).toEqual(['code'])
    expect(await server.ctx.store.directory.countAccounts()).toBe(0)

    // Typed in lower case with spaces: still the code.
    const done = await server.request<{ agent: { role: string; email: string } }>('/api/setup', { json: setup(` ${code!.toLowerCase()} `) })
    expect(done.status).toBe(201)
    expect(done.body.agent).toMatchObject({ role: 'admin', email: 'ada@team.test', active: true })
    const cookie = sessionCookie(done.headers)
    expect(cookie).toBeDefined()
    const workspace = (await server.request<Workspace>('/api/workspace', { cookie })).body
    expect(workspace.me.role).toBe('admin')
    expect(workspace.account.name).toBe('Team Support')
    // A new workspace starts with no inbox.
    expect(workspace.inboxes).toEqual([])
    // The directory reached the feed with it.
    const feed = (await server.request<FeedPage>('/api/feed?after=0', { cookie })).body
    expect(feed.entries.filter((e) => e.kind === 'directory')).toHaveLength(1)

    expect((await server.request('/api/setup')).body).toEqual({ needed: false })
    const again = await server.request<{ error: string }>('/api/setup', { json: setup(code!, 'eve@team.test') })
    expect(again.status).toBe(409)
    expect(again.body.error).toBe('The workspace already exists. Sign in instead.')
    expect(await server.ctx.store.directory.findAgentByEmail('eve@team.test')).toBeNull()

    // After a restart no code is printed, and none is stored.
    await server.restart()
    expect(server.setupCode).toBeNull()
    expect(await server.ctx.setup.code()).toBeNull()
    expect((await server.request('/api/setup', { json: setup(code!, 'eve@team.test') })).status).toBe(409)
  })

  it('two concurrent setups with the right code create one workspace; the other is told it exists', async () => {
    server = await TestServer.start({ empty: true })
    const code = server.setupCode!
    const answers = await Promise.all([
      server.request('/api/setup', { json: setup(code, 'first@team.test') }),
      server.request('/api/setup', { json: setup(code, 'second@team.test') }),
      server.request('/api/setup', { json: setup(code, 'third@team.test') }),
    ])
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409])
    expect(await server.ctx.store.directory.countAccounts()).toBe(1)
  })

  it('is refused on a server that already has a workspace, whatever the code', async () => {
    // (The factory's server started empty and printed a code before its workspaces were made.)
    server = await TestServer.start()
    expect((await server.request('/api/setup')).body).toEqual({ needed: false })
    const res = await server.request('/api/setup', { json: setup('AAAA-BBBB-CCCC', 'x@team.test') })
    expect(res.status).toBe(409)
  })

  it('names the invalid fields', async () => {
    server = await TestServer.start({ empty: true })
    const res = await server.request<{ fields: { path: string }[] }>('/api/setup', {
      json: { code: server.setupCode, workspaceName: '', name: 'Ada', email: 'not an email', password: 'short' },
    })
    expect(res.status).toBe(400)
    expect(res.body.fields.map((f) => f.path).sort()).toEqual(['email', 'password', 'workspaceName'])
    expect(await server.ctx.store.directory.countAccounts()).toBe(0)
  })
})

describe('guessing the setup code', () => {
  let server: TestServer | undefined
  afterEach(async () => {
    await server?.close()
  })

  it('is limited like sign-in: after the allowed wrong codes, 429 with Retry-After, even for the right one', async () => {
    server = await TestServer.start({ empty: true, env: { SIGN_IN_FAILURES_PER_EMAIL: '3' } })
    for (let i = 0; i < 3; i++) expect((await server.request('/api/setup', { json: setup('AAAA-BBBB-CCCC') })).status).toBe(403)
    const blocked = await server.request('/api/setup', { json: setup(server.setupCode!) })
    expect(blocked.status).toBe(429)
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await server.ctx.store.directory.countAccounts()).toBe(0)
  })
})
