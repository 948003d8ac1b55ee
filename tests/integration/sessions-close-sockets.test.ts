import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { SESSION_ENDED_CLOSE_CODE, SESSION_ENDED_REASON } from '../../shared/schemas/admin.ts'
import { hashToken } from '../../server/services/secrets.ts'
import { eventually } from '../support/eventually.ts'
import { type AgentClient, expectStatus, TestServer, activityLines, PASSWORD } from '../support/server.ts'
import { type CloseInfo, type SocketAuth, SocketPool, roomUrl, upgradeAnswer } from '../support/ws-client.ts'

// Issue 10 item 4: a socket authenticates only at its upgrade, so ending a session must close every
// socket it opened (feed and rooms) at once, with 4401 'session ended', or it keeps receiving pushes.

const ENDED: CloseInfo = { code: SESSION_ENDED_CLOSE_CODE, reason: SESSION_ENDED_REASON }

/** How the socket closed, and when. A session ends when the request ending it is answered (a password
 *  change first spends a few hundred ms hashing): "within a second" is counted from that answer. */
const closedAt = async (closed: Promise<CloseInfo>) => ({ info: await closed, at: Date.now() })

describe('ending a session closes its sockets', () => {
  let server: TestServer
  let alice: AgentClient
  let conversationId: string
  const pool = new SocketPool()

  beforeAll(async () => {
    server = await TestServer.start()
    alice = await server.clientFor(server.acme.alice)
    conversationId = (await server.customerWrites({ email: 'sockets@example.com', name: 'Sam' }, 'Hello')).conversationId
  })
  afterEach(() => pool.closeAll())
  afterAll(async () => {
    await server?.close()
  })

  /** A new agent joined by invitation, signed in: their session cookie. */
  async function newAgent(name: string): Promise<{ id: string; email: string; cookie: string; password: string }> {
    const email = `${name.toLowerCase()}@acme.test`
    const { url } = expectStatus(await alice.request<{ url: string }>('/api/invitations', { json: { email, role: 'agent' } }), 201)
    const token = url.split('/invite/')[1]!
    const res = await server.request<{ agent: { id: string } }>(`/api/invitations/token/${token}/accept`, { json: { name, password: PASSWORD } })
    expect(res.status).toBe(201)
    const cookie = res.headers.get('set-cookie')?.match(/inbox_session=[^;]+/)?.[0]
    if (!cookie) throw new Error('no session cookie')
    return { id: res.body.agent.id, email, cookie, password: PASSWORD }
  }

  async function sockets(auth: SocketAuth) {
    const feed = await pool.feed(server, auth)
    const room = await pool.raw(roomUrl(server, conversationId), auth)
    return { feed, room }
  }

  it('sign-out closes the feed and room sockets of that session within a second, with 4401', async () => {
    const cookie = await server.cookieFor(server.acme.alice)
    const { feed, room } = await sockets({ cookie })
    const otherSession = await pool.feed(server, { token: alice.token })
    const closes = Promise.all([closedAt(feed.closed), closedAt(room.closed)])
    expect((await server.request('/api/auth/sign-out', { method: 'POST', cookie })).status).toBe(200)
    const answered = Date.now()
    for (const close of await closes) {
      expect(close.info).toEqual(ENDED)
      expect(close.at - answered).toBeLessThan(1000)
    }
    // The cookie opens nothing any more; Alice's other session is untouched.
    expect((await server.request('/api/workspace', { cookie })).status).toBe(401)
    expect((await upgradeAnswer(`${server.wsUrl}/api/feed/live`, { cookie })).status).toBe(401)
    expect(otherSession.socket.readyState).toBe(otherSession.socket.OPEN)
  })

  it('a password change closes the other sessions\' and tokens\' sockets, not the current one', async () => {
    const carol = await newAgent('Carol')
    const other = `inbox_session=${await server.ctx.auth.issue({ id: carol.id }, 'session')}`
    const token = await server.ctx.auth.issue({ id: carol.id }, 'api')
    const current = await sockets({ cookie: carol.cookie })
    const otherSockets = await sockets({ cookie: other })
    const tokenFeed = await pool.feed(server, { token })
    const closes = Promise.all([otherSockets.feed.closed, otherSockets.room.closed, tokenFeed.closed].map(closedAt))
    const res = await server.request('/api/profile/password', {
      cookie: carol.cookie,
      json: { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' },
    })
    expect(res.status).toBe(200)
    const answered = Date.now()
    for (const close of await closes) {
      expect(close.info).toEqual(ENDED)
      expect(close.at - answered).toBeLessThan(1000)
    }
    // The current session goes on, sockets included: it still receives pushes.
    expect(current.feed.socket.readyState).toBe(current.feed.socket.OPEN)
    expect(current.room.socket.readyState).toBe(current.room.socket.OPEN)
    expect((await server.request('/api/workspace', { cookie: carol.cookie })).status).toBe(200)
    const before = current.feed.entries().length
    await server.customerWrites({ email: 'later@example.com', name: 'Later' }, 'Still there?')
    await eventually(() => expect(current.feed.entries().length).toBeGreaterThan(before))
    expect((await server.request('/api/workspace', { cookie: other })).status).toBe(401)
    expect((await server.request('/api/workspace', { token })).status).toBe(401)
    // The old password is refused, the new one works.
    expect((await server.request('/api/auth/sign-in', { json: { email: carol.email, password: PASSWORD } })).status).toBe(401)
    expect((await server.request('/api/auth/sign-in', { json: { email: carol.email, password: 'a brand new passphrase' } })).status).toBe(200)
    // Five password hashes of production cost (scrypt N=2^17) on a busy machine.
  }, 90_000)

  it('a wrong current password is refused naming the field, and nothing ends', async () => {
    const dave = await newAgent('Dave')
    const feed = await pool.feed(server, { cookie: dave.cookie })
    const res = await server.request<{ fields: { path: string }[] }>('/api/profile/password', {
      cookie: dave.cookie,
      json: { currentPassword: 'not it at all', newPassword: 'another passphrase' },
    })
    expect(res.status).toBe(403)
    expect(res.body.fields.map((f) => f.path)).toEqual(['currentPassword'])
    expect((await server.request('/api/workspace', { cookie: dave.cookie })).status).toBe(200)
    expect(feed.socket.readyState).toBe(feed.socket.OPEN)
  })

  it('deactivation closes every socket of the agent, refuses their tokens and sign-in, and unassigns their open conversations', async () => {
    const erin = await newAgent('Erin')
    const token = await server.ctx.auth.issue({ id: erin.id }, 'api')
    const open = (await server.customerWrites({ email: 'open@example.com', name: 'Olive' }, 'Help')).conversationId
    const resolved = (await server.customerWrites({ email: 'done@example.com', name: 'Dan' }, 'Thanks')).conversationId
    await alice.patch(open, { assigneeId: erin.id })
    await alice.patch(resolved, { assigneeId: erin.id, status: 'resolved' })
    const bySession = await sockets({ cookie: erin.cookie })
    const byToken = await pool.feed(server, { token })
    const closes = Promise.all([bySession.feed.closed, bySession.room.closed, byToken.closed].map(closedAt))
    const res = await alice.request<{ agent: { active: boolean } }>(`/api/agents/${erin.id}`, { method: 'PATCH', json: { active: false } })
    expect(res.status).toBe(200)
    expect(res.body.agent.active).toBe(false)
    const answered = Date.now()
    for (const close of await closes) {
      expect(close.info).toEqual(ENDED)
      expect(close.at - answered).toBeLessThan(1000)
    }
    expect((await server.request('/api/workspace', { token })).status).toBe(401)
    expect((await server.request('/api/workspace', { cookie: erin.cookie })).status).toBe(401)
    const signIn = await server.request<{ error: string }>('/api/auth/sign-in', { json: { email: erin.email, password: PASSWORD } })
    expect(signIn.status).toBe(401)
    expect(signIn.body.error).toBe('wrong email or password')
    // A token minted directly is refused too: deactivated agents cannot authenticate at all.
    expect((await server.request('/api/workspace', { token: await server.ctx.auth.issue({ id: erin.id }, 'api') })).status).toBe(401)

    await eventually(async () => {
      const view = await alice.conversation(open)
      expect(view.conversation.assigneeId).toBeNull()
      expect(activityLines(view)).toContain('Unassigned: Erin was deactivated')
    })
    expect((await alice.conversation(resolved)).conversation.assigneeId).toBe(erin.id)
    // Nobody can give Erin a conversation while she is deactivated.
    const assign = await alice.request<{ fields: { path: string }[] }>(`/api/conversations/${open}`, { method: 'PATCH', json: { assigneeId: erin.id } })
    expect(assign.status).toBe(400)
    expect(assign.body.fields.map((f) => f.path)).toEqual(['assigneeId'])

    // Reactivated, Erin signs in again (her old sessions stay ended).
    expect((await alice.request(`/api/agents/${erin.id}`, { method: 'PATCH', json: { active: true } })).status).toBe(200)
    expect((await server.request('/api/auth/sign-in', { json: { email: erin.email, password: PASSWORD } })).status).toBe(200)
    expect((await server.request('/api/workspace', { cookie: erin.cookie })).status).toBe(401)
  }, 90_000)

  it('sign out everywhere ends every session and token of the agent, this one included', async () => {
    const frank = await newAgent('Frank')
    const token = await server.ctx.auth.issue({ id: frank.id }, 'api')
    const mine = await sockets({ cookie: frank.cookie })
    const tokenFeed = await pool.feed(server, { token })
    const res = await server.request('/api/auth/sign-out-everywhere', { method: 'POST', cookie: frank.cookie })
    expect(res.status).toBe(200)
    expect(res.headers.get('set-cookie')).toMatch(/inbox_session=;|Max-Age=0/)
    for (const closed of [mine.feed.closed, mine.room.closed, tokenFeed.closed]) expect(await closed).toEqual(ENDED)
    expect((await server.request('/api/workspace', { cookie: frank.cookie })).status).toBe(401)
    expect((await server.request('/api/workspace', { token })).status).toBe(401)
  })

  it('revoking an API token in the profile closes its sockets; another agent\'s token id is a 404', async () => {
    const grace = await newAgent('Grace')
    const token = await server.ctx.auth.issue({ id: grace.id }, 'api', 'deploy script')
    const listed = expectStatus(
      await server.request<{ tokens: { id: string; label: string | null; lastUsedAt: number | null }[] }>('/api/profile/tokens', { cookie: grace.cookie }),
      200,
    ).tokens
    expect(listed.map((t) => t.label)).toEqual(['deploy script'])
    // Used once (the feed socket's upgrade): its last use is recorded.
    const feed = await pool.feed(server, { token })
    await eventually(async () => {
      const tokens = (await server.request<{ tokens: { lastUsedAt: number | null }[] }>('/api/profile/tokens', { cookie: grace.cookie })).body.tokens
      expect(tokens[0]!.lastUsedAt).not.toBeNull()
    })
    const id = listed[0]!.id
    expect((await alice.request(`/api/profile/tokens/${id}`, { method: 'DELETE' })).status).toBe(404)
    expect((await server.request('/api/workspace', { token })).status).toBe(200)
    expect((await server.request(`/api/profile/tokens/${id}`, { method: 'DELETE', cookie: grace.cookie })).status).toBe(200)
    expect(await feed.closed).toEqual(ENDED)
    expect((await server.request('/api/workspace', { token })).status).toBe(401)
    expect((await server.request('/api/workspace', { cookie: grace.cookie })).status).toBe(200)
  })
})

describe('expired sessions', () => {
  let server: TestServer
  const pool = new SocketPool()

  beforeAll(async () => {
    // Sessions of about three seconds.
    server = await TestServer.start({ env: { SESSION_DAYS: String(3 / 86_400) } })
  })
  afterEach(() => pool.closeAll())
  afterAll(async () => {
    await server?.close()
  })

  it('a socket whose session expires while open is closed at expiry, and the expired session is purged', async () => {
    const token = await server.ctx.auth.issue(server.acme.alice, 'api')
    const feed = await pool.feed(server, { token })
    const closed = await feed.closed
    expect(closed).toEqual(ENDED)
    expect((await server.request('/api/workspace', { token })).status).toBe(401)
    expect(await server.ctx.auth.purgeExpired()).toBeGreaterThanOrEqual(1)
    expect(await server.ctx.store.sessions.getSession(hashToken(token))).toBeNull()
  })
})
