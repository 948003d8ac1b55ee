import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Team } from '../../shared/schemas/entities.ts'
import { eventually } from '../support/eventually.ts'
import { type AgentClient, activityLines, expectStatus, TestServer } from '../support/server.ts'

// Settings → Teams (issue 9): create, rename, members (the set is replaced), delete; a deleted team
// leaves its conversations, each with an activity line, through the doc path.

describe('teams, administered', () => {
  let server: TestServer
  let alice: AgentClient

  beforeAll(async () => {
    server = await TestServer.start()
    alice = await server.clientFor(server.acme.alice)
  })
  afterAll(async () => {
    await server?.close()
  })

  it('creates with members, renames, replaces the members; members must be agents of the account', async () => {
    const { acme, other } = server
    const made = expectStatus(await alice.request<{ team: Team }>('/api/teams', { json: { name: 'Returns', memberIds: [acme.bob.id] } }), 201).team
    expect(made).toMatchObject({ name: 'Returns', accountId: acme.accountId, memberIds: [acme.bob.id] })
    const foreign = await alice.request<{ fields: { path: string }[] }>('/api/teams', { json: { name: 'Spies', memberIds: [other.mallory.id] } })
    expect(foreign.status).toBe(400)
    expect(foreign.body.fields.map((f) => f.path)).toEqual(['memberIds'])

    const renamed = expectStatus(await alice.request<{ team: Team }>(`/api/teams/${made.id}`, { method: 'PATCH', json: { name: 'Refunds' } }), 200).team
    expect(renamed).toMatchObject({ name: 'Refunds', memberIds: [acme.bob.id] })
    const members = expectStatus(await alice.request<{ team: Team }>(`/api/teams/${made.id}`, { method: 'PATCH', json: { memberIds: [acme.alice.id] } }), 200).team
    expect(members.memberIds).toEqual([acme.alice.id])
    const workspace = (await alice.request<{ teams: Team[] }>('/api/workspace')).body
    expect(workspace.teams.find((t) => t.id === made.id)).toEqual(members)
  })

  it('deleting a team takes it off its conversations with an activity line', async () => {
    const team = expectStatus(await alice.request<{ team: Team }>('/api/teams', { json: { name: 'Shipping' } }), 201).team
    const first = (await server.customerWrites({ email: 'ship1@example.com', name: 'S1' }, 'Where is it?')).conversationId
    const second = (await server.customerWrites({ email: 'ship2@example.com', name: 'S2' }, 'Lost parcel')).conversationId
    await alice.patch(first, { teamId: team.id })
    await alice.patch(second, { teamId: team.id, status: 'resolved' })
    expect((await alice.request(`/api/teams/${team.id}`, { method: 'DELETE' })).body).toEqual({ ok: true })
    for (const id of [first, second]) {
      await eventually(async () => {
        const view = await alice.conversation(id)
        expect(view.conversation.teamId).toBeNull()
        expect(activityLines(view)).toContain('Team removed: the team Shipping was deleted')
      })
    }
    expect((await alice.request(`/api/teams/${team.id}`, { method: 'DELETE' })).status).toBe(404)
    expect((await alice.request<{ teams: Team[] }>('/api/workspace')).body.teams.map((t) => t.id)).not.toContain(team.id)
  })

  it('is for administrators of the account: an agent gets 403, another account 404', async () => {
    const bob = await server.clientFor(server.acme.bob)
    expect((await bob.request('/api/teams', { json: { name: 'Bob team' } })).status).toBe(403)
    expect((await bob.request(`/api/teams/${server.acme.team.id}`, { method: 'DELETE' })).status).toBe(403)
    const mallory = await server.clientFor(server.other.mallory)
    expect((await mallory.request(`/api/teams/${server.acme.team.id}`, { method: 'PATCH', json: { name: 'Taken' } })).status).toBe(404)
    expect((await mallory.request(`/api/teams/${server.acme.team.id}`, { method: 'DELETE' })).status).toBe(404)
    const teams = (await alice.request<{ teams: Team[] }>('/api/workspace')).body.teams
    expect(teams.find((t) => t.id === server.acme.team.id)?.name).toBe('Billing')
  })
})
