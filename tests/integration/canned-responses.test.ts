import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { CannedResponse } from '../../shared/canned.ts'
import type { FeedEntry } from '../../shared/schemas/feed.ts'
import { eventually } from '../support/eventually.ts'
import { type AgentClient, TestServer, expectStatus } from '../support/server.ts'
import { SocketPool } from '../support/ws-client.ts'

// Canned responses: CRUD for the agent's account, validated, a short code unique per account, and every
// change a `canned` feed entry that supersedes the older ones: the feed is how devices keep them offline.

interface ErrorAnswer {
  error: string
  fields?: { path: string; message: string }[]
}
type One = { cannedResponse: CannedResponse }
const cannedEntries = (entries: FeedEntry[]) => entries.filter((e) => e.kind === 'canned')

describe('canned responses', () => {
  let server: TestServer
  let alice: AgentClient
  let bob: AgentClient
  let mallory: AgentClient
  const sockets = new SocketPool()

  beforeAll(async () => {
    server = await TestServer.start()
    ;[alice, bob, mallory] = await Promise.all([
      server.clientFor(server.acme.alice),
      server.clientFor(server.acme.bob),
      server.clientFor(server.other.mallory),
    ])
  })
  afterEach(() => sockets.closeAll())
  afterAll(() => server.close())

  const create = (client: AgentClient, json: unknown) => client.request<One | ErrorAnswer>('/api/canned-responses', { json })
  const patch = (client: AgentClient, id: string, json: unknown) =>
    client.request<One | ErrorAnswer>(`/api/canned-responses/${id}`, { method: 'PATCH', json })
  const remove = (client: AgentClient, id: string) => client.request<ErrorAnswer>(`/api/canned-responses/${id}`, { method: 'DELETE' })
  const list = async (client: AgentClient) =>
    expectStatus(await client.request<{ cannedResponses: CannedResponse[] }>('/api/canned-responses'), 200).cannedResponses

  it('adds, lists, changes and deletes, for every agent of the account', async () => {
    const made = expectStatus(await create(alice, { shortCode: 'Hello', content: 'Hi {{contact.name | there}}!' }), 201) as One
    expect(made.cannedResponse).toEqual({
      id: expect.any(String),
      shortCode: 'hello',
      content: 'Hi {{contact.name | there}}!',
      updatedAt: expect.any(Number),
      deleted: false,
    })
    const id = made.cannedResponse.id
    expect((await list(bob)).map((c) => c.shortCode)).toContain('hello')

    const changed = expectStatus(await patch(bob, id, { content: 'Hello {{contact.first_name}}.' }), 200) as One
    expect(changed.cannedResponse).toMatchObject({ id, shortCode: 'hello', content: 'Hello {{contact.first_name}}.' })
    const renamed = expectStatus(await patch(alice, id, { shortCode: 'hi' }), 200) as One
    expect(renamed.cannedResponse).toMatchObject({ shortCode: 'hi', content: 'Hello {{contact.first_name}}.' })

    const gone = await remove(alice, id)
    expect(gone.status).toBe(204)
    expect((await list(alice)).map((c) => c.id)).not.toContain(id)
    expect((await patch(alice, id, { content: 'again' })).status).toBe(404)
    expect((await remove(alice, id)).status).toBe(404)
  })

  it('answers 409 naming shortCode for a code in use, and frees the code of a deleted one', async () => {
    const first = expectStatus(await create(alice, { shortCode: 'dup', content: 'one' }), 201) as One
    const again = await create(bob, { shortCode: 'DUP', content: 'two' })
    expect(again.status).toBe(409)
    expect((again.body as ErrorAnswer).fields?.map((f) => f.path)).toEqual(['shortCode'])
    expect((again.body as ErrorAnswer).error).toMatch(/shortCode/)

    const other = expectStatus(await create(alice, { shortCode: 'other', content: 'x' }), 201) as One
    const clash = await patch(alice, other.cannedResponse.id, { shortCode: 'dup' })
    expect(clash.status).toBe(409)
    expect((clash.body as ErrorAnswer).fields?.map((f) => f.path)).toEqual(['shortCode'])
    // Renaming to its own code is no clash.
    expect((await patch(alice, first.cannedResponse.id, { shortCode: 'dup', content: 'one!' })).status).toBe(200)

    expect((await remove(alice, first.cannedResponse.id)).status).toBe(204)
    expect((await create(bob, { shortCode: 'dup', content: 'two' })).status).toBe(201)
    expect((await list(alice)).filter((c) => c.shortCode === 'dup').map((c) => c.content)).toEqual(['two'])
  })

  it('validates: 400 naming the field, nothing written', async () => {
    const before = await alice.feedPage(0, 1)
    const cases: [unknown, string[]][] = [
      [{}, ['shortCode', 'content']],
      [{ shortCode: 'two words', content: 'x' }, ['shortCode']],
      [{ shortCode: 'x'.repeat(41), content: 'x' }, ['shortCode']],
      [{ shortCode: 'ümlaut', content: 'x' }, ['shortCode']],
      [{ shortCode: 'ok', content: '   ' }, ['content']],
      [{ shortCode: 'ok', content: 'x'.repeat(5_001) }, ['content']],
      [{ shortCode: 5, content: ['x'] }, ['shortCode', 'content']],
    ]
    for (const [json, fields] of cases) {
      const res = await create(alice, json)
      expect(res.status, JSON.stringify(json).slice(0, 60)).toBe(400)
      expect((res.body as ErrorAnswer).fields?.map((f) => f.path).sort()).toEqual([...fields].sort())
    }
    expect((await create(alice, { shortCode: 'x'.repeat(40), content: 'x'.repeat(5_000) })).status).toBe(201)

    const { cannedResponse } = expectStatus(await create(alice, { shortCode: 'valid', content: 'x' }), 201) as One
    expect((await patch(alice, cannedResponse.id, {})).status).toBe(400)
    expect(((await patch(alice, cannedResponse.id, { shortCode: 'No Way' })).body as ErrorAnswer).fields?.[0]?.path).toBe('shortCode')
    expect((await patch(alice, 'not-a-uuid', { content: 'x' })).status).toBe(400)
    // Only the two valid requests wrote to the feed.
    expect((await alice.feedPage(0, 1)).lastSeq).toBe(before.lastSeq + 2)
  })

  it("another account's canned responses are not found, and never listed nor in its feed", async () => {
    const { cannedResponse } = expectStatus(await create(alice, { shortCode: 'private', content: 'Acme only' }), 201) as One
    expect((await patch(mallory, cannedResponse.id, { content: 'mine now' })).status).toBe(404)
    expect((await remove(mallory, cannedResponse.id)).status).toBe(404)
    expect((await patch(mallory, randomUUID(), { content: 'x' })).status).toBe(404)
    expect(await list(mallory)).toEqual([])
    expect(cannedEntries((await mallory.feedAll()).entries)).toEqual([])
    // Mallory may use the same code in her own account.
    expect((await create(mallory, { shortCode: 'private', content: 'Mallory only' })).status).toBe(201)
    expect((await list(alice)).find((c) => c.id === cannedResponse.id)?.content).toBe('Acme only')
  })

  it('every change is a feed entry that supersedes the older ones; a deletion arrives as deleted', async () => {
    const start = (await alice.feedAll()).cursor
    const { cannedResponse } = expectStatus(await create(alice, { shortCode: 'feed', content: 'v1' }), 201) as One
    const id = cannedResponse.id
    const afterCreate = cannedEntries((await alice.feedAll(start)).entries)
    expect(afterCreate).toEqual([{ seq: start + 1, kind: 'canned', canned: cannedResponse }])

    const { cannedResponse: v2 } = expectStatus(await patch(alice, id, { content: 'v2' }), 200) as One
    const { cannedResponse: v3 } = expectStatus(await patch(alice, id, { shortCode: 'feed-3' }), 200) as One
    const ofIt = async () => cannedEntries((await alice.feedAll(0)).entries).filter((e) => e.canned.id === id)
    // A device catching up from anywhere before reads only the latest version, once.
    expect(await ofIt()).toEqual([{ seq: start + 3, kind: 'canned', canned: v3 }])
    expect(v2.content).toBe('v2')
    expect(v3).toMatchObject({ shortCode: 'feed-3', content: 'v2', deleted: false })

    expect((await remove(alice, id)).status).toBe(204)
    const [tombstone] = await ofIt()
    expect(tombstone).toMatchObject({ seq: start + 4, kind: 'canned', canned: { id, shortCode: 'feed-3', content: 'v2', deleted: true } })
    // A device that was up to date before the deletion gets just the tombstone.
    expect(cannedEntries((await alice.feedAll(start + 3)).entries)).toEqual([tombstone])
  })

  it('pushes each change on the feed socket of the account', async () => {
    const feed = await sockets.feed(server, { token: bob.token })
    const { cannedResponse } = expectStatus(await create(alice, { shortCode: 'live', content: 'Pushed' }), 201) as One
    await eventually(() =>
      expect(feed.entries()).toContainEqual(expect.objectContaining({ kind: 'canned', canned: cannedResponse })),
    )
    const theirs = await sockets.feed(server, { token: mallory.token })
    await remove(alice, cannedResponse.id)
    await eventually(() =>
      expect(feed.entries()).toContainEqual(expect.objectContaining({ kind: 'canned', canned: expect.objectContaining({ id: cannedResponse.id, deleted: true }) })),
    )
    expect(cannedEntries(theirs.entries())).toEqual([])
  })

  it('is described in the OpenAPI document', async () => {
    const doc = (await server.request<{ paths: Record<string, Record<string, { summary?: string }>> }>('/api/openapi.json')).body
    expect(Object.keys(doc.paths['/api/canned-responses'] ?? {}).sort()).toEqual(['get', 'post'])
    expect(Object.keys(doc.paths['/api/canned-responses/{id}'] ?? {}).sort()).toEqual(['delete', 'patch'])
    for (const op of [...Object.values(doc.paths['/api/canned-responses']!), ...Object.values(doc.paths['/api/canned-responses/{id}']!)]) {
      expect(op.summary).toEqual(expect.any(String))
    }
  })

  it('needs a signed-in agent', async () => {
    expect((await server.request('/api/canned-responses')).status).toBe(401)
    expect((await server.request('/api/canned-responses', { json: { shortCode: 'x', content: 'y' } })).status).toBe(401)
  })
})
