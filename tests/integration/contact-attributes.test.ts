import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Directory } from '../../shared/schemas/admin.ts'
import type { AttributeDefinition, ContactAttributesResult } from '../../shared/schemas/attributes.ts'
import type { ErrorBody, Workspace } from '../../shared/schemas/api.ts'
import type { FeedEntry } from '../../shared/schemas/feed.ts'
import { type AgentClient, TestServer, expectStatus } from '../support/server.ts'

// Contact custom attributes (issue 12): administrators define them (carried to devices by the
// directory entry written in the same transaction); agents set a contact's values, checked against
// the definitions and merged per key.

const directories = (entries: FeedEntry[]): Directory[] => entries.flatMap((e) => (e.kind === 'directory' ? [e.directory] : []))

describe('contact custom attributes', () => {
  let server: TestServer
  let alice: AgentClient
  let bob: AgentClient
  let contactId: string
  const defined: Record<string, AttributeDefinition> = {}

  const define = async (json: { label: string; type: string; key?: string }) =>
    expectStatus(await alice.request<{ attribute: AttributeDefinition }>('/api/attributes', { json }), 201).attribute
  const setValues = (client: AgentClient, set: Record<string, unknown>, id = contactId) =>
    client.request<ContactAttributesResult & ErrorBody>(`/api/contacts/${id}/attributes`, { method: 'PATCH', json: { set } })

  beforeAll(async () => {
    server = await TestServer.start()
    alice = await server.clientFor(server.acme.alice)
    bob = await server.clientFor(server.acme.bob)
    contactId = (await server.customerWrites({ email: 'vera@customer.test', name: 'Vera', attributes: { plan: 'pro' } }, 'Hello')).contactId
    for (const [label, type] of [['VIP', 'checkbox'], ['Seats', 'number'], ['Renewal date', 'date'], ['CRM record', 'link'], ['Plan', 'text']] as const) {
      const attribute = await define({ label, type })
      defined[attribute.key] = attribute
    }
  })
  afterAll(async () => {
    await server?.close()
  })

  it('derives keys from labels, lists them for agents, and refuses a taken or malformed key', async () => {
    expect(Object.keys(defined).sort()).toEqual(['crm_record', 'plan', 'renewal_date', 'seats', 'vip'])
    const listed = expectStatus(await bob.request<{ attributes: AttributeDefinition[] }>('/api/attributes'), 200).attributes
    expect(listed.map((a) => a.label)).toEqual(['CRM record', 'Plan', 'Renewal date', 'Seats', 'VIP'])
    const taken = await alice.request<ErrorBody>('/api/attributes', { json: { label: 'Seats again', key: 'seats', type: 'text' } })
    expect(taken.status).toBe(409)
    expect(taken.body.fields?.[0]?.path).toBe('key')
    const malformed = await alice.request<ErrorBody>('/api/attributes', { json: { label: 'Bad', key: 'Not A Key', type: 'text' } })
    expect(malformed.status).toBe(400)
    expect(malformed.body.fields?.map((f) => f.path)).toContain('key')
    const badType = await alice.request<ErrorBody>('/api/attributes', { json: { label: 'Colour', type: 'colour' } })
    expect(badType.status).toBe(400)
    expect(badType.body.fields?.map((f) => f.path)).toContain('type')
  })

  it('only administrators define, rename and delete; the directory entry and the workspace carry the definitions', async () => {
    expect((await bob.request('/api/attributes', { json: { label: 'Sneaky', type: 'text' } })).status).toBe(403)
    expect((await bob.request(`/api/attributes/${defined.plan!.id}`, { method: 'PATCH', json: { label: 'Tier' } })).status).toBe(403)
    expect((await bob.request(`/api/attributes/${defined.plan!.id}`, { method: 'DELETE' })).status).toBe(403)

    const { cursor } = await bob.feedAll()
    const temporary = await define({ label: 'Temporary', type: 'text' })
    let latest = directories((await bob.feedAll(cursor)).entries).at(-1)
    expect(latest?.attributes.find((a) => a.id === temporary.id)).toEqual(temporary)

    const renamed = expectStatus(
      await alice.request<{ attribute: AttributeDefinition }>(`/api/attributes/${temporary.id}`, { method: 'PATCH', json: { label: 'Short-lived' } }),
      200,
    ).attribute
    expect(renamed).toEqual({ ...temporary, label: 'Short-lived' })
    latest = directories((await bob.feedAll(cursor)).entries).at(-1)
    expect(latest?.attributes.find((a) => a.id === temporary.id)?.label).toBe('Short-lived')
    expect((await bob.request<Workspace>('/api/workspace')).body.attributes.map((a) => a.label)).toContain('Short-lived')

    expectStatus(await alice.request(`/api/attributes/${temporary.id}`, { method: 'DELETE' }), 200)
    const caughtUp = directories((await bob.feedAll(cursor)).entries)
    expect(caughtUp).toHaveLength(1)
    expect(caughtUp[0]!.attributes.map((a) => a.key).sort()).toEqual(['crm_record', 'plan', 'renewal_date', 'seats', 'vip'])
    expect((await alice.request(`/api/attributes/${temporary.id}`, { method: 'DELETE' })).status).toBe(404)

    // Another account's administrator neither sees nor touches Acme's.
    const mallory = await server.clientFor(server.other.mallory)
    expect((await mallory.request<{ attributes: unknown[] }>('/api/attributes')).body.attributes).toEqual([])
    expect((await mallory.request(`/api/attributes/${defined.plan!.id}`, { method: 'PATCH', json: { label: 'Mine' } })).status).toBe(404)
  })

  it('sets values of each type and answers with the contact and its feed entry', async () => {
    const { cursor } = await bob.feedAll()
    const res = await setValues(bob, { vip: true, seats: 12, renewal_date: '2027-03-31', crm_record: 'https://crm.example.com/r/1', plan: 'enterprise' })
    const body = expectStatus(res, 200)
    expect(body.contact.attributes).toEqual({ vip: true, seats: 12, renewal_date: '2027-03-31', crm_record: 'https://crm.example.com/r/1', plan: 'enterprise' })
    const entries = (await alice.feedAll(cursor)).entries.filter((e) => e.kind === 'contact')
    expect(entries).toEqual([{ seq: body.seq, kind: 'contact', contact: body.contact }])

    // null clears a value.
    expect(expectStatus(await setValues(bob, { crm_record: null }), 200).contact.attributes).not.toHaveProperty('crm_record')
  })

  it('refuses an unknown key or a value of the wrong type with a 400 naming the field, and changes nothing', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ colour: 'red' }, 'set.colour'],
      [{ seats: 'twelve' }, 'set.seats'],
      [{ vip: 'yes' }, 'set.vip'],
      [{ renewal_date: '2027-02-30' }, 'set.renewal_date'],
      [{ crm_record: 'javascript:alert(1)' }, 'set.crm_record'],
      [{ plan: 7 }, 'set.plan'],
      [{ seats: 3, vip: 1 }, 'set.vip'],
    ]
    for (const [set, field] of cases) {
      const res = await setValues(bob, set)
      expect(res.status, JSON.stringify(set)).toBe(400)
      expect(res.body.fields?.map((f) => f.path)).toEqual([field])
    }
    expect((await setValues(bob, { seats: { nested: 1 } })).status).toBe(400)
    expect((await bob.request(`/api/contacts/${contactId}/attributes`, { method: 'PATCH', json: { set: {} } })).status).toBe(400)
    expect((await setValues(bob, { seats: 1 }, crypto.randomUUID())).status).toBe(404)
    const mallory = await server.clientFor(server.other.mallory)
    expect((await setValues(mallory, { seats: 1 })).status).toBeGreaterThanOrEqual(400)
    const contact = (await bob.feedAll()).entries.findLast((e) => e.kind === 'contact' && e.contact.id === contactId)
    expect(contact?.kind === 'contact' && contact.contact.attributes['seats']).toBe(12)
  })

  it('merges per key: two agents editing different keys at once both keep their edit; on one key the later wins', async () => {
    const rounds = 10
    for (let i = 0; i < rounds; i++) {
      const [a, b] = await Promise.all([setValues(alice, { seats: 100 + i }), setValues(bob, { vip: i % 2 === 0 })])
      expect(a.status).toBe(200)
      expect(b.status).toBe(200)
    }
    const stored = (await bob.feedAll()).entries.findLast((e) => e.kind === 'contact' && e.contact.id === contactId)
    expect(stored?.kind === 'contact' && stored.contact.attributes).toMatchObject({ seats: 100 + rounds - 1, vip: false, plan: 'enterprise' })

    const first = expectStatus(await setValues(alice, { plan: 'starter' }), 200)
    const second = expectStatus(await setValues(bob, { plan: 'business' }), 200)
    expect(second.seq).toBeGreaterThan(first.seq)
    expect(second.contact.attributes['plan']).toBe('business')
    // A value set outside the definitions (the API channel's) is kept through all of it.
    const fromApi = await server.request<{ attributes: Record<string, unknown> }>('/api/channels/api/contacts', {
      method: 'POST',
      json: { email: 'vera@customer.test', name: 'Vera', attributes: { source: 'api' } },
      token: server.acme.apiInbox.token,
    })
    expect(fromApi.body.attributes).toMatchObject({ plan: 'business', source: 'api', seats: 109 })
    expect(expectStatus(await setValues(bob, { seats: 1 }), 200).contact.attributes).toMatchObject({ source: 'api', seats: 1 })
  })
})
