import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Directory } from '../../shared/schemas/admin.ts'
import type { FeedEntry } from '../../shared/schemas/feed.ts'
import { eventually } from '../support/eventually.ts'
import { type AgentClient, TestServer } from '../support/server.ts'
import { SocketPool } from '../support/ws-client.ts'

// Every change to who and what is in an account (name, agents, teams, inboxes) is a `directory` feed
// entry written in the change's transaction, superseding the account's previous one: a device that
// catches up reads the latest directory once, and a live device gets each change pushed.

const directories = (entries: FeedEntry[]): Directory[] => entries.flatMap((e) => (e.kind === 'directory' ? [e.directory] : []))

describe('the directory through the feed', () => {
  let server: TestServer
  let alice: AgentClient
  let bob: AgentClient
  const pool = new SocketPool()

  beforeAll(async () => {
    server = await TestServer.start()
    alice = await server.clientFor(server.acme.alice)
    bob = await server.clientFor(server.acme.bob)
  })
  afterEach(() => pool.closeAll())
  afterAll(async () => {
    await server?.close()
  })

  it('each change is pushed live and the latest directory supersedes the earlier ones', async () => {
    const live = await pool.feed(server, { token: bob.token })
    const { cursor } = await bob.feedAll()

    const inbox = (await alice.request<{ inbox: { id: string } }>('/api/inboxes', { json: { name: 'Partners', channelType: 'api' } })).body.inbox
    await eventually(() => expect(directories(live.entries()).at(-1)?.inboxes.map((i) => i.id)).toContain(inbox.id))

    await bob.request('/api/profile', { method: 'PATCH', json: { name: 'Robert Keller' } })
    await eventually(() => expect(directories(live.entries()).at(-1)?.agents.find((a) => a.id === server.acme.bob.id)?.name).toBe('Robert Keller'))

    const team = (await alice.request<{ team: { id: string } }>('/api/teams', { json: { name: 'Night shift', memberIds: [server.acme.bob.id] } })).body.team
    await eventually(() => expect(directories(live.entries()).at(-1)?.teams.find((t) => t.id === team.id)?.memberIds).toEqual([server.acme.bob.id]))

    await alice.request(`/api/agents/${server.acme.bob.id}`, { method: 'PATCH', json: { role: 'admin' } })
    await eventually(() => expect(directories(live.entries()).at(-1)?.agents.find((a) => a.id === server.acme.bob.id)?.role).toBe('admin'))
    // The role change holds at once, despite the 30 s authentication cache.
    expect((await bob.request('/api/agents')).status).toBe(200)
    await alice.request(`/api/agents/${server.acme.bob.id}`, { method: 'PATCH', json: { role: 'agent' } })
    expect((await bob.request('/api/agents')).status).toBe(403)

    await alice.request(`/api/inboxes/${inbox.id}`, { method: 'PATCH', json: { archived: true } })
    await eventually(() => expect(directories(live.entries()).at(-1)?.inboxes.find((i) => i.id === inbox.id)?.archived).toBe(true))
    expect(directories(live.entries()).length).toBeGreaterThanOrEqual(6)

    // Catching up from before all this: one directory entry, the latest.
    const caughtUp = directories((await bob.feedAll(cursor)).entries)
    expect(caughtUp).toHaveLength(1)
    expect(caughtUp[0]).toEqual(directories(live.entries()).at(-1))
    expect(directories((await bob.feedAll(0)).entries)).toHaveLength(1)
    expect(caughtUp[0]!.account).toEqual({ id: server.acme.accountId, name: 'Acme Support' })
  })

  it('a deactivated agent stays in the directory, inactive; another account never sees it', async () => {
    const mallory = await server.clientFor(server.other.mallory)
    const { cursor } = await mallory.feedAll()
    const invited = (await alice.request<{ url: string }>('/api/invitations', { json: { email: 'temp@acme.test', role: 'agent' } })).body.url
    const joined = await server.request<{ agent: { id: string } }>(`/api/invitations/token/${invited.split('/invite/')[1]}/accept`, {
      json: { name: 'Temp Worker', password: 'temporary password' },
    })
    const id = joined.body.agent.id
    await alice.request(`/api/agents/${id}`, { method: 'PATCH', json: { active: false } })
    const latest = directories((await alice.feedAll()).entries).at(-1)
    expect(latest?.agents.find((a) => a.id === id)).toMatchObject({ name: 'Temp Worker', active: false })
    expect(directories((await mallory.feedAll(cursor)).entries)).toEqual([])
  })

  it('the last administrator can be neither demoted nor deactivated', async () => {
    const res = await alice.request<{ error: string }>(`/api/agents/${server.acme.alice.id}`, { method: 'PATCH', json: { role: 'agent' } })
    expect(res.status).toBe(409)
    expect(res.body.error).toBe('The last administrator cannot be demoted or deactivated.')
    expect((await alice.request(`/api/agents/${server.acme.alice.id}`, { method: 'PATCH', json: { active: false } })).status).toBe(409)
    expect((await server.ctx.store.directory.getAgent(server.acme.alice.id))?.role).toBe('admin')
    // With a second administrator, the first may step down.
    await alice.request(`/api/agents/${server.acme.bob.id}`, { method: 'PATCH', json: { role: 'admin' } })
    expect((await alice.request(`/api/agents/${server.acme.alice.id}`, { method: 'PATCH', json: { role: 'agent' } })).status).toBe(200)
    expect((await bob.request(`/api/agents/${server.acme.bob.id}`, { method: 'PATCH', json: { active: false } })).status).toBe(409)
    const agents = (await bob.request<{ agents: { id: string; createdAt: number; active: boolean }[] }>('/api/agents')).body.agents
    expect(agents.find((a) => a.id === server.acme.alice.id)).toMatchObject({ active: true, createdAt: expect.any(Number) })
  })
})
