import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Access } from '../../shared/schemas/admin.ts'
import type { WidgetSession } from '../../shared/schemas/widget.ts'
import { expectStatus, type RequestOptions, TestServer } from '../support/server.ts'
import { TestVisitor } from '../support/widget-visitor.ts'

// The authorisation matrix, generated from the OpenAPI document: every operation is called as each
// kind of caller, and the answer's class must be what the operation's `x-access` declares. A route
// added without a declaration fails here, and so does a declaration the server does not enforce.

type Caller = 'signed out' | 'agent' | 'administrator' | "another account's administrator" | 'inbox token of another inbox' | 'visitor of another inbox'

const CALLERS: Caller[] = [
  'signed out',
  'inbox token of another inbox',
  'visitor of another inbox',
  "another account's administrator",
  'agent',
  // Last: an administrator's calls may delete what the others' calls name.
  'administrator',
]

interface Operation {
  method: string
  path: string
  access: unknown
}

/** What the caller must get: `granted` (anything but 401/403), `refused` (that status), or
 *  `foreign` (the route is theirs to call, but what it names is another account's: never 2xx). */
type Expected = { kind: 'granted' } | { kind: 'refused'; status: 401 | 403 } | { kind: 'foreign' }

function expected(access: Access, caller: Caller, namesSomething: boolean): Expected {
  const mine: Record<Access, Caller[]> = {
    public: CALLERS,
    agent: ['agent', 'administrator', "another account's administrator"],
    admin: ['administrator', "another account's administrator"],
    'inbox-token': ['inbox token of another inbox'],
    visitor: ['visitor of another inbox'],
  }
  if (!mine[access].includes(caller)) {
    return { kind: 'refused', status: access === 'admin' && caller === 'agent' ? 403 : 401 }
  }
  const foreignCaller = caller === "another account's administrator" || caller === 'inbox token of another inbox' || caller === 'visitor of another inbox'
  return foreignCaller && namesSomething && access !== 'public' ? { kind: 'foreign' } : { kind: 'granted' }
}

describe('role matrix over every route of the OpenAPI document', () => {
  let server: TestServer
  let operations: Operation[]
  const ids: Record<string, string> = {}
  let foreignVisitor: WidgetSession
  let foreignInboxToken: string

  beforeAll(async () => {
    server = await TestServer.start()
    const { acme, other } = server
    const alice = await server.clientFor(acme.alice)
    const written = await server.customerWrites({ email: 'matrix@example.com', name: 'Matrix' }, 'Hello')
    ids.conversation = written.conversationId
    ids.contact = written.contactId
    const visitor = await TestVisitor.start(server, { name: 'Web visitor' })
    ids.websiteConversation = (await visitor.send('Hi from the website')).conversationId
    ids.canned = expectStatus(await alice.request<{ cannedResponse: { id: string } }>('/api/canned-responses', { json: { shortCode: 'matrix', content: 'Hi' } }), 201).cannedResponse.id
    ids.webhook = expectStatus(
      await alice.request<{ webhook: { id: string } }>('/api/webhooks', { json: { url: 'https://hooks.example.com/matrix', events: ['message.created'] } }),
      201,
    ).webhook.id
    ids.invitation = expectStatus(
      await alice.request<{ invitation: { id: string } }>('/api/invitations', { json: { email: 'invitee@acme.test', role: 'agent' } }),
      201,
    ).invitation.id
    ids.attachment = expectStatus(
      await alice.request<{ attachment: { id: string } }>('/api/attachments', { body: 'file', headers: { 'content-type': 'text/plain', 'x-file-name': 'a.txt' } }),
      201,
    ).attachment.id
    ids.token = (await alice.request<{ tokens: { id: string }[] }>('/api/profile/tokens')).body.tokens[0]!.id
    ids.attribute = expectStatus(await alice.request<{ attribute: { id: string } }>('/api/attributes', { json: { label: 'Matrix', type: 'text' } }), 201).attribute.id
    // A notification of Bob's (the 'agent' caller), as a mention would make it.
    ids.notification = randomUUID()
    await server.ctx.store.notifications.create({
      id: ids.notification, accountId: acme.accountId, agentId: acme.bob.id, cause: 'matrix', type: 'mention',
      conversationId: written.conversationId, conversationNumber: 1, actorId: acme.alice.id, messageId: null, createdAt: Date.now(),
    })
    foreignInboxToken = other.apiInbox.token
    // Mallory's account gets a Website inbox of its own, and a visitor of it.
    const mallorysWebsite = await server.ctx.inboxes.create(other.accountId, { name: 'Web', channelType: 'live_chat' })
    foreignVisitor = expectStatus(
      await server.request<WidgetSession>('/api/widget/session', { json: { key: mallorysWebsite.inbox.settings.widgetKey } }),
      200,
    )
    const doc = expectStatus(await server.request<{ paths: Record<string, Record<string, Record<string, unknown>>> }>('/api/openapi.json'), 200)
    operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, access: op['x-access'] })),
    )
  })

  afterAll(async () => {
    await server?.close()
  })

  /** Acme's things, named in each path: another account's callers must get none of them. */
  function concretePath(path: string): string {
    return path.replace(/\{(\w+)\}/g, (_m, name: string) => {
      if (name === 'token') return 'inv_not-a-real-invitation-token'
      if (name === 'conversationId') return ids.websiteConversation!
      if (path.startsWith('/api/conversations/') || path.startsWith('/api/channels/api/conversations/')) return ids.conversation!
      if (path.startsWith('/api/canned-responses/')) return ids.canned!
      if (path.startsWith('/api/webhooks/')) return ids.webhook!
      if (path.startsWith('/api/invitations/')) return ids.invitation!
      if (path.startsWith('/api/attachments/') || path.startsWith('/api/widget/')) return ids.attachment!
      if (path.startsWith('/api/agents/')) return server.acme.bob.id
      if (path.startsWith('/api/teams/')) return server.acme.team.id
      if (path.startsWith('/api/inboxes/')) return server.acme.apiInbox.id
      if (path.startsWith('/api/profile/tokens/')) return ids.token!
      if (path.startsWith('/api/contacts/')) return ids.contact!
      if (path.startsWith('/api/notifications/')) return ids.notification!
      if (path.startsWith('/api/attributes/')) return ids.attribute!
      throw new Error(`the matrix does not know what to put in {${name}} of ${path}: teach concretePath`)
    })
  }

  /** Fresh credentials for each call: a sign-out (everywhere) called earlier must not spoil later calls. */
  async function credentials(caller: Caller): Promise<RequestOptions> {
    const { acme, other } = server
    switch (caller) {
      case 'signed out':
        return {}
      case 'agent':
        return { token: await server.ctx.auth.issue(acme.bob, 'api') }
      case 'administrator':
        return { token: await server.ctx.auth.issue(acme.alice, 'api') }
      case "another account's administrator":
        return { token: await server.ctx.auth.issue(other.mallory, 'api') }
      case 'inbox token of another inbox':
        return { token: foreignInboxToken }
      case 'visitor of another inbox':
        return { token: foreignVisitor.token }
    }
  }

  it('declares x-access on every operation', () => {
    expect(operations.length).toBeGreaterThan(40)
    const undeclared = operations.filter((op) => !Access.safeParse(op.access).success).map((op) => `${op.method} ${op.path}`)
    expect(undeclared).toEqual([])
  })

  it('answers each kind of caller as the declaration says', async () => {
    const wrong: string[] = []
    let calls = 0
    for (const caller of CALLERS) {
      for (const op of operations) {
        const access = Access.parse(op.access)
        const want = expected(access, caller, op.path.includes('{'))
        const body = op.method === 'GET' || op.method === 'DELETE' ? {} : { json: {} }
        const res = await server.request(concretePath(op.path), { method: op.method, ...body, ...(await credentials(caller)) })
        calls++
        const status = res.status
        const ok =
          status < 500 &&
          (want.kind === 'refused'
            ? status === want.status
            : want.kind === 'foreign'
              ? status >= 300 && status !== 401
              : status !== 401 && status !== 403)
        if (!ok) wrong.push(`${caller}: ${op.method} ${op.path} (${access}) -> ${status} ${res.text.slice(0, 120)}; wanted ${JSON.stringify(want)}`)
      }
    }
    expect(calls).toBe(CALLERS.length * operations.length)
    expect(wrong).toEqual([])
  })

  it('an agent is told plainly that a route is for administrators', async () => {
    const res = await server.request<{ error: string }>('/api/agents', { token: await server.ctx.auth.issue(server.acme.bob, 'api') })
    expect(res.status).toBe(403)
    expect(res.body.error).toBe('administrators only')
  })
})
