import http from 'node:http'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { DbSnapshots, changedTables } from '../support/db-snapshot.ts'
import { eventually } from '../support/eventually.ts'
import { type Access, type FuzzRequest, type OpenApiDocument, type KnownIdsByKind, type Route, describeRequest, requestArbitrary, routesOf } from '../support/openapi-requests.ts'
import { TestServer, expectStatus } from '../support/server.ts'
import { TestVisitor, websiteKey } from '../support/widget-visitor.ts'

// Every route of the OpenAPI document, fuzzed from its own schemas (read at run time, so a route added
// tomorrow is fuzzed tomorrow): valid-ish and broken bodies and query strings, non-JSON, wrong content
// types, bodies at the size limits, path ids of real entities and of nothing, each sent with the
// credentials the route wants. Properties: never a 5xx; every 4xx is JSON with an `error`; a 4xx
// changes nothing (the database, read before and after each request, is the same). Loopback only,
// bounded: RUNS requests per route (fewer past ROUTE_BUDGET_MS), on a fixed seed so that a failure
// replays (FUZZ_SEED varies it, FUZZ_RUNS deepens it).

const RUNS = Number(process.env.FUZZ_RUNS ?? 25)
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_203)
/** A route's runs stop early past this (counted as a pass): routes that hash a password cost seconds
 *  per request on a loaded machine, by design, and must not make the file run for minutes. */
const ROUTE_BUDGET_MS = Number(process.env.FUZZ_ROUTE_MS ?? 4_000)

/** Routes that would end the session the fuzzer itself uses: covered by their own tests instead. */
const SESSION_ENDING = new Set(['post /api/auth/sign-out', 'post /api/auth/sign-out-everywhere', 'post /api/profile/password'])

/** Routes whose success can take away the fuzzer's own credentials (a role, an inbox, a token, a
 *  visitor): after each of their 2xx the credentials are checked and put back. */
const ADMINISTRATIVE = /^\/api\/(agents|inboxes|profile|auth|contacts|visitors|setup|invitations)\b/

const server = await TestServer.start()
const acme = server.acme
const db = await DbSnapshots.open(server)

const alice = await server.clientFor(acme.alice)
const customer = await server.customerWrites({ email: 'fuzz@customer.test', name: 'Fuzz Customer' }, 'Please do not break')
const visitor = await TestVisitor.start(server, { name: 'Shop Visitor' })
const visitorMessage = await visitor.send('Hello from the shop')
const foreign = await server.customerWrites({ email: 'victim@other.test' }, 'Mallory account', server.other.apiInbox.token)
const canned = expectStatus(await alice.request<{ cannedResponse: { id: string } }>('/api/canned-responses', { json: { shortCode: 'fuzz', content: 'Hi {{contact.name}}' } }), 201)
const webhook = await alice.request<{ webhook: { id: string } }>('/api/webhooks', {
  json: { url: 'https://hooks.example.test/fuzz', events: ['conversation.status_changed'] },
})
const attachment = await uploadFixture()

const invitation = await alice.request<{ invitation: { id: string }; url: string }>('/api/invitations', { json: { email: 'new.agent@acme.test', role: 'agent' } })
const visitorContact = (await alice.conversation(visitorMessage.conversationId)).conversation.contactId

/** Ids that exist (Acme's, and one conversation of Mallory's), by the path segment that names their
 *  kind, so that fuzzed paths reach the services instead of stopping at 404. */
const idsByKind: KnownIdsByKind = {
  conversations: [customer.conversationId, visitorMessage.conversationId, foreign.conversationId],
  contacts: [customer.contactId, visitorContact],
  agents: [acme.alice.id, acme.bob.id, server.other.mallory.id],
  teams: [acme.team.id],
  inboxes: [acme.apiInbox.id, acme.websiteInbox.id, server.other.apiInbox.id],
  'canned-responses': [canned.cannedResponse.id],
  webhooks: webhook.status === 201 ? [webhook.body.webhook.id] : [],
  attachments: attachment ? [attachment] : [],
  invitations: invitation.status === 201 ? [invitation.body.invitation.id] : [],
  token: invitation.status === 201 ? [invitation.body.url.split('/').at(-1)!] : [],
}
/** Every id, for uuids in bodies (assignee, team, attachment ids…). */
const knownIds = [...Object.values(idsByKind).flat(), customer.messageId, visitorMessage.id, acme.accountId]
// Not the agents' emails: each sign-in with a real email costs a full password hash (by design), and
// the sign-in routes' own tests cover that path.
const knownStrings = [await websiteKey(server), 'new.agent@acme.test']

const credentials: Record<Exclude<Access, 'public'>, string> = {
  agent: await server.tokenFor(acme.bob),
  admin: alice.token,
  'inbox-token': acme.apiInbox.token,
  visitor: visitor.token,
}

/** Statuses seen per route: the fuzz must reach past validation, not only bounce off it. */
const tally = new Map<string, Map<number, number>>()

const doc = expectStatus(await server.request<OpenApiDocument>('/api/openapi.json'), 200)
const routes = routesOf(doc).filter((r) => !SESSION_ENDING.has(`${r.method} ${r.path}`))

describe('every route, fuzzed from its OpenAPI schema', () => {
  afterAll(async () => {
    if (process.env.FUZZ_REPORT) for (const [route, statuses] of tally) console.log(route, JSON.stringify(Object.fromEntries(statuses)))
    db.close()
    await server.close()
  })

  it('the document lists routes to fuzz, and the fixtures are in place', () => {
    expect(routes.length).toBeGreaterThan(20)
    expect(webhook.status).toBeLessThan(500)
    expect(invitation.status).toBeLessThan(500)
    expect(attachment).toEqual(expect.any(String))
  })

  for (const route of routes) {
    const name = `${route.method.toUpperCase()} ${route.path} (${route.access}${route.declared ? '' : ', inferred'})`
    it(`${name}: never a 5xx; every 4xx is JSON {error} and changes nothing`, async () => {
      const requests = requestArbitrary(route, { components: doc.components?.schemas ?? {}, knownIds, knownStrings, idsByKind })
      await fc.assert(
        fc.asyncProperty(requests, (request) => check(route, request)),
        { numRuns: RUNS, seed: SEED + hash(name), endOnFailure: true, interruptAfterTimeLimit: ROUTE_BUDGET_MS, markInterruptAsFailure: false },
      )
    }, 60_000)
  }
})

async function check(route: Route, request: FuzzRequest): Promise<void> {
  const before = { tables: await db.take(), feed: await db.feedHeads() }
  const res = await send(withCredentials(route.access, request))
  const seen = tally.get(`${route.method} ${route.path}`) ?? new Map<number, number>()
  seen.set(res.status, (seen.get(res.status) ?? 0) + 1)
  tally.set(`${route.method} ${route.path}`, seen)
  const label = `${describeRequest(request)} -> ${res.status} ${res.text.slice(0, 300)}`
  expect(res.status, label).toBeLessThan(500)
  if (res.status >= 400) {
    expect(res.contentType, label).toMatch(/^application\/json/)
    expect(JSON.parse(res.text), label).toEqual(expect.objectContaining({ error: expect.any(String) }))
    expect(changedTables(before.tables, await db.take()), `tables changed by ${label}`).toEqual([])
    expect(await db.feedHeads(), `feed moved on ${label}`).toEqual(before.feed)
  } else if (request.method !== 'GET') {
    if (ADMINISTRATIVE.test(route.path)) await restoreCredentials()
    await settle()
  }
}

function withCredentials(access: Access, request: FuzzRequest): FuzzRequest {
  if (access === 'public') return request
  return { ...request, headers: { ...request.headers, authorization: `Bearer ${credentials[access]}` } }
}

/**
 * An accepted request may have demoted or deactivated the fuzzer's agents, archived its inboxes or
 * replaced the API token: put them back, so that later requests still reach past authorisation.
 * Tokens are minted in-process, because sign-in is rate limited and the fuzzer trips the limit.
 */
async function restoreCredentials(): Promise<void> {
  const wanted = [
    { agent: acme.alice, role: 'admin', key: 'admin' },
    { agent: acme.bob, role: 'agent', key: 'agent' },
  ] as const
  for (const { agent, role, key } of wanted) {
    const record = await server.ctx.store.directory.getAgent(agent.id)
    if (!record) throw new Error(`${agent.email} disappeared`)
    if (record.role !== role || record.active === false) {
      const res = await server.request(`/api/agents/${agent.id}`, { method: 'PATCH', token: await anyAdminToken(), json: { role, active: true } })
      expect(res.status, `restoring ${agent.email}: ${res.text}`).toBe(200)
    }
    if ((await server.request('/api/workspace', { token: credentials[key] })).status === 401) {
      credentials[key] = await server.ctx.auth.issue((await server.ctx.store.directory.getAgent(agent.id))!, 'api', 'fuzz')
    }
  }
  const inboxProbe = () => server.request(`/api/channels/api/conversations/${customer.conversationId}/messages`, { token: credentials['inbox-token'] })
  let inbox = await inboxProbe()
  if (inbox.status !== 200) {
    await server.request(`/api/inboxes/${acme.apiInbox.id}`, { method: 'PATCH', token: credentials.admin, json: { archived: false } })
    inbox = await inboxProbe()
  }
  if (inbox.status === 401) {
    const res = await server.request<{ token: string }>(`/api/inboxes/${acme.apiInbox.id}/token`, { method: 'POST', token: credentials.admin })
    credentials['inbox-token'] = expectStatus(res, 200).token
  }
  if ((await server.request('/api/widget/messages', { token: credentials.visitor })).status !== 200) {
    await server.request(`/api/inboxes/${acme.websiteInbox.id}`, { method: 'PATCH', token: credentials.admin, json: { archived: false } })
    if ((await server.request('/api/widget/messages', { token: credentials.visitor })).status === 401) {
      // The widget's per-address limits may be spent by the fuzz itself: a new visitor may wait a moment.
      credentials.visitor = (await eventually(() => TestVisitor.start(server), { timeout: 15_000, interval: 250 })).token
    }
  }
}

async function anyAdminToken(): Promise<string> {
  for (const agent of [acme.alice, acme.bob]) {
    const record = await server.ctx.store.directory.getAgent(agent.id)
    if (record?.role === 'admin' && record.active !== false) return server.ctx.auth.issue(record, 'api', 'fuzz')
  }
  throw new Error('no active administrator left in Acme')
}

/** Waits until the database stops changing: an accepted request can set off work that lands later
 *  (a snooze already due wakes, a stale Resolve is corrected), which must not be blamed on the next
 *  request. Two equal readings one interval apart count as settled. */
async function settle(): Promise<void> {
  let previous = ''
  await eventually(
    async () => {
      const now = JSON.stringify([await db.take(), await db.feedHeads()])
      const stable = now === previous
      previous = now
      expect(stable).toBe(true)
    },
    { timeout: 3_000, interval: 25 },
  )
}

interface RawResponse {
  status: number
  contentType: string
  text: string
}

/** One request on its own connection, with the body exactly as generated (bytes or text). */
function send(request: FuzzRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    // Node frames a GET's or DELETE's body only with an explicit length (else the server reads it as
    // the next request): set it always.
    const headers = request.body === undefined ? request.headers : { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) }
    const req = http.request(`${server.url}${request.url}`, { method: request.method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('error', reject)
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? '', text: Buffer.concat(chunks).toString('utf8') }),
      )
    })
    // A server that answers 413 before reading the whole body may reset the upload: its answer counts.
    req.on('error', reject)
    req.end(request.body)
  })
}

async function uploadFixture(): Promise<string | undefined> {
  const res = await server.request<{ attachment: { id: string } }>('/api/attachments', {
    token: alice.token,
    body: 'not really a png',
    headers: { 'content-type': 'image/png', 'x-file-name': 'fixture.png' },
  })
  return res.status === 201 ? res.body.attachment.id : undefined
}

function hash(text: string): number {
  let h = 0
  for (const char of text) h = (h * 31 + char.charCodeAt(0)) | 0
  return Math.abs(h)
}
