import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ReplyCollision } from '../../shared/schemas/api.ts'
import { type AgentClient, TestServer } from '../support/server.ts'
import { testRedisUrl, uniquePrefix } from '../support/redis.ts'

/** A server on a fresh database and a second process on it start here: slow on a busy machine (PostgreSQL). */
const STARTS_MS = 120_000

// Issue 11: what one process decides from shared state holds on the other. Failed sign-ins are counted
// in Redis, not per process; the send guard reads the database, so a customer message that came in
// through A holds a stale reply sent through B. And a REDIS_URL that does not answer stops the start
// with a message that says so.

const WRONG = 'not the password'

describe('state shared by two processes', { timeout: 60_000 }, () => {
  let a: TestServer
  let b: TestServer
  let bob: AgentClient

  beforeAll(async () => {
    const url = await testRedisUrl()
    a = await TestServer.start({ env: { REDIS_URL: url, REDIS_PREFIX: uniquePrefix('shared'), SIGN_IN_FAILURES_PER_EMAIL: '3' } })
    b = await a.peer()
    bob = await b.clientFor(b.acme.bob)
  }, STARTS_MS)
  afterAll(async () => {
    await b?.close()
    await a?.close()
  })

  it('failed sign-ins against one email count on both processes together', async () => {
    const { email, password } = a.acme.alice
    const signIn = (server: TestServer, pass: string) => server.request('/api/auth/sign-in', { json: { email, password: pass } })
    expect((await signIn(a, WRONG)).status).toBe(401)
    expect((await signIn(b, WRONG)).status).toBe(401)
    expect((await signIn(a, WRONG)).status).toBe(401)
    // Three failures in all, though neither process saw three: the right password is refused too.
    const blocked = await signIn(b, password)
    expect(blocked.status).toBe(429)
    expect(blocked.headers.get('retry-after')).toBeTruthy()
  })

  it('a reply sent through B is held when the customer wrote through A after the agent last looked', async () => {
    const { conversationId } = await a.customerWrites({ email: 'guard@customer.test' }, 'Where is my order?')
    const seen = (await bob.conversation(conversationId)).conversation.lastMessageSeq
    await a.customerWrites({ email: 'guard@customer.test' }, 'Actually, cancel it please')
    const held = await bob.request<ReplyCollision>(`/api/conversations/${conversationId}/messages`, {
      json: { id: randomUUID(), kind: 'reply', body: 'It ships today.', basedOnSeq: seen },
    })
    expect(held.status).toBe(409)
    expect(held.body.messages.map((m) => m.body)).toEqual(['Actually, cancel it please'])
  })

  it('a server whose REDIS_URL does not answer does not start, and says why', async () => {
    await expect(TestServer.start({ env: { REDIS_URL: 'redis://127.0.0.1:1', REDIS_PREFIX: uniquePrefix('none') } })).rejects.toThrow(
      /Redis at REDIS_URL does not answer/,
    )
  })
})
