import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { readField, writeField } from '../../shared/conversation-doc.ts'
import { eventually } from '../support/eventually.ts'
import { TestServer } from '../support/server.ts'
import { SocketPool, authHeaders, roomUrl, upgradeAnswer } from '../support/ws-client.ts'

// Every WebSocket upgrade is authenticated, and a room admits only agents of the account that owns
// the conversation. Refusals happen at the upgrade, with an HTTP status, before any Yjs byte.

describe('room authorisation', () => {
  let server: TestServer
  let aliceToken: string
  let malloryToken: string
  let conversationId: string
  const sockets = new SocketPool()

  beforeAll(async () => {
    server = await TestServer.start()
    ;[aliceToken, malloryToken] = await Promise.all([server.tokenFor(server.acme.alice), server.tokenFor(server.other.mallory)])
    ;({ conversationId } = await server.customerWrites({ email: 'gus@customer.test' }, 'Hi there'))
  })
  afterEach(() => sockets.closeAll())
  afterAll(() => server.close())

  it('admits an agent of the account, by bearer token and by session cookie', async () => {
    expect((await upgradeAnswer(roomUrl(server, conversationId), authHeaders({ token: aliceToken }))).status).toBe(101)
    const cookie = await server.cookieFor(server.acme.bob)
    const sameOrigin = authHeaders({ cookie, origin: server.url })
    expect((await upgradeAnswer(roomUrl(server, conversationId), sameOrigin)).status).toBe(101)
  })

  it('refuses an upgrade without credentials, or with a wrong token, with 401', async () => {
    expect((await upgradeAnswer(roomUrl(server, conversationId), {})).status).toBe(401)
    expect((await upgradeAnswer(roomUrl(server, conversationId), authHeaders({ token: 'api_not-a-token' }))).status).toBe(401)
    expect((await upgradeAnswer(roomUrl(server, conversationId), authHeaders({ cookie: 'inbox_session=forged' }))).status).toBe(401)
    expect((await upgradeAnswer(`${server.wsUrl}/api/feed/live`, {})).status).toBe(401)
  })

  it("refuses an agent of another account with 403, and an unknown conversation the same way", async () => {
    const foreign = await upgradeAnswer(roomUrl(server, conversationId), authHeaders({ token: malloryToken }))
    expect(foreign.status).toBe(403)
    // An unknown id answers exactly like a foreign one, so room names cannot be probed for existence.
    const unknown = await upgradeAnswer(roomUrl(server, randomUUID()), authHeaders({ token: malloryToken }))
    expect(unknown).toEqual(foreign)
  })

  it('answers 404 for room names that are not conversation docs, and for unknown endpoints', async () => {
    const auth = authHeaders({ token: aliceToken })
    for (const room of ['conv:not-a-uuid', 'conv:', 'settings', randomUUID(), `doc:${conversationId}`]) {
      expect((await upgradeAnswer(`${server.wsUrl}/sync/${room}`, auth)).status, room).toBe(404)
    }
    expect((await upgradeAnswer(`${server.wsUrl}/elsewhere`, auth)).status).toBe(404)
  })

  it('refuses a cookie-authenticated upgrade from another origin with 403 (a bearer token may come from anywhere)', async () => {
    const cookie = await server.cookieFor(server.acme.alice)
    const crossSite = authHeaders({ cookie, origin: 'https://evil.example' })
    expect((await upgradeAnswer(roomUrl(server, conversationId), crossSite)).status).toBe(403)
    expect((await upgradeAnswer(`${server.wsUrl}/api/feed/live`, crossSite)).status).toBe(403)
    expect((await upgradeAnswer(roomUrl(server, conversationId), authHeaders({ cookie, origin: 'null' }))).status).toBe(403)
    const script = authHeaders({ token: aliceToken, origin: 'https://elsewhere.example' })
    expect((await upgradeAnswer(roomUrl(server, conversationId), script)).status).toBe(101)
  })

  it('an Authorization header that is not a bearer token does not excuse a cross-origin cookie', async () => {
    // A browser attaches cached HTTP Basic credentials to a cross-site handshake by itself, beside the cookie.
    const cookie = await server.cookieFor(server.acme.alice)
    const headers = { ...authHeaders({ cookie, origin: 'https://evil.example' }), authorization: 'Basic YWxpY2U6c2VjcmV0' }
    expect((await upgradeAnswer(roomUrl(server, conversationId), headers)).status).toBe(403)
    expect((await upgradeAnswer(`${server.wsUrl}/api/feed/live`, headers)).status).toBe(403)
  })

  it('a garbled cookie is refused with 401, not an error', async () => {
    for (const cookie of ['inbox_session=%', 'inbox_session=%E0%A4%A', 'inbox_session=']) {
      expect((await upgradeAnswer(roomUrl(server, conversationId), { cookie })).status, cookie).toBe(401)
    }
  })

  it('a signed-out session no longer opens rooms', async () => {
    const cookie = await server.cookieFor(server.acme.alice)
    expect((await upgradeAnswer(roomUrl(server, conversationId), authHeaders({ cookie }))).status).toBe(101)
    expect((await server.request('/api/auth/sign-out', { method: 'POST', cookie })).status).toBe(200)
    expect((await upgradeAnswer(roomUrl(server, conversationId), authHeaders({ cookie }))).status).toBe(401)
  })

  it("nothing from a refused client reaches the room, and its members don't notice", async () => {
    const alice = await sockets.room(server, conversationId, { token: aliceToken })
    const intruderDoc = new Y.Doc()
    writeField(intruderDoc, 'status', { value: 'resolved', snoozedUntil: null, seenSeq: 999 }, { by: 'mallory', at: 1, writeId: 'x' })
    const intruder = await sockets.room(server, conversationId, { token: malloryToken }, { doc: intruderDoc, awaitSync: false })
    let refusals = 0
    intruder.provider.on('connection-close', () => (refusals += 1))
    await eventually(() => expect(refusals).toBeGreaterThanOrEqual(2))
    expect(intruder.provider.synced).toBe(false)
    // Alice's room still works: her own edit reaches the server, and the intruder's never did.
    writeField(alice.doc, 'priority', { value: 'low' }, { by: server.acme.alice.id, at: Date.now(), writeId: 'ok' })
    await eventually(async () => {
      const res = await server.request<{ conversation: { priority: string; status: string } }>(
        `/api/conversations/${conversationId}`,
        { token: aliceToken },
      )
      expect(res.body.conversation).toMatchObject({ priority: 'low', status: 'open' })
    })
    expect(readField(alice.doc, 'status')).toBeNull()
  })
})
