import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { tokenIdOf } from '../../server/store/sessions.ts'
import { storeBackends } from '../support/stores.ts'
import { seedAccount, useStore } from './fixture.ts'

// Sessions and API tokens: looked up by hash, ended one by one, all but one, or by expiry (each bulk
// end returns the hashes it ended), listed for the profile, and their last use recorded sparingly.

describe.each(storeBackends())('sessions store ($name)', (backend) => {
  const opened = useStore(backend)
  const hash = () => `h-${randomUUID()}`

  it('creates, reads and deletes a session', async () => {
    const { store } = opened
    const { agentId } = await seedAccount(store)
    const h = hash()
    await store.sessions.createSession(h, { agentId, kind: 'session', expiresAt: 9_000, label: null }, 1_000)
    expect(await store.sessions.getSession(h)).toEqual({ agentId, kind: 'session', expiresAt: 9_000 })
    await store.sessions.deleteSession(h)
    expect(await store.sessions.getSession(h)).toBeNull()
    await store.sessions.deleteSession(h)
  })

  it('ends all of an agent\'s sessions and tokens but the one kept, and no one else\'s', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const other = await seedAccount(store)
    const [keep, s2, api] = [hash(), hash(), hash()]
    const theirs = hash()
    await store.sessions.createSession(keep, { agentId: w.agentId, kind: 'session', expiresAt: 9_000, label: null }, 1)
    await store.sessions.createSession(s2, { agentId: w.agentId, kind: 'session', expiresAt: 9_000, label: null }, 2)
    await store.sessions.createSession(api, { agentId: w.agentId, kind: 'api', expiresAt: 9_000, label: 'CI' }, 3)
    await store.sessions.createSession(theirs, { agentId: other.agentId, kind: 'session', expiresAt: 9_000, label: null }, 4)

    expect((await store.sessions.endAllOf(w.agentId, keep)).sort()).toEqual([s2, api].sort())
    expect(await store.sessions.getSession(keep)).not.toBeNull()
    expect(await store.sessions.getSession(theirs)).not.toBeNull()
    expect(await store.sessions.endAllOf(w.agentId)).toEqual([keep])
    expect(await store.sessions.getSession(keep)).toBeNull()
  })

  it('purges what expired at now (inclusive) and returns those hashes', async () => {
    const { store } = opened
    const { agentId } = await seedAccount(store)
    const [gone, edge, live] = [hash(), hash(), hash()]
    await store.sessions.createSession(gone, { agentId, kind: 'session', expiresAt: 100, label: null }, 1)
    await store.sessions.createSession(edge, { agentId, kind: 'api', expiresAt: 200, label: null }, 1)
    await store.sessions.createSession(live, { agentId, kind: 'session', expiresAt: 201, label: null }, 1)
    const purged = await store.sessions.purgeExpired(200)
    expect(purged).toEqual(expect.arrayContaining([gone, edge]))
    expect(purged).not.toContain(live)
    expect(await store.sessions.getSession(live)).not.toBeNull()
  })

  it('lists API tokens oldest first with a stable id, and records uses at most once per gap', async () => {
    const { store } = opened
    const { agentId } = await seedAccount(store)
    const [older, newer, session] = [hash(), hash(), hash()]
    await store.sessions.createSession(newer, { agentId, kind: 'api', expiresAt: 9_000, label: 'deploy' }, 20)
    await store.sessions.createSession(older, { agentId, kind: 'api', expiresAt: 8_000, label: null }, 10)
    await store.sessions.createSession(session, { agentId, kind: 'session', expiresAt: 9_000, label: null }, 30)
    expect(await store.sessions.apiTokensOf(agentId)).toEqual([
      { id: tokenIdOf(older), tokenHash: older, label: null, createdAt: 10, lastUsedAt: null, expiresAt: 8_000 },
      { id: tokenIdOf(newer), tokenHash: newer, label: 'deploy', createdAt: 20, lastUsedAt: null, expiresAt: 9_000 },
    ])

    await store.sessions.touch(older, 1_000, 60)
    await store.sessions.touch(older, 1_030, 60)
    expect((await store.sessions.apiTokensOf(agentId))[0]!.lastUsedAt).toBe(1_000)
    await store.sessions.touch(older, 1_060, 60)
    expect((await store.sessions.apiTokensOf(agentId))[0]!.lastUsedAt).toBe(1_060)
  })
})
