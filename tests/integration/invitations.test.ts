import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { INVITATION_TTL_MS, type Invitation, type NewInvitationResult } from '../../shared/schemas/admin.ts'
import type { Workspace } from '../../shared/schemas/api.ts'
import type { Clock } from '../../server/services/clock.ts'
import { type AgentClient, expectStatus, TestServer } from '../support/server.ts'
import { SmtpSink } from '../support/smtp-sink.ts'

// Invitations (issue 9): an administrator invites by email and role; the link works once, for 7 days,
// until revoked. Time is the server's clock, moved forward by the test.

const GONE = 'This invitation has expired or was revoked. Ask your administrator for a new one.'

/** Real time plus an offset the test moves. */
class MovableClock implements Clock {
  offset = 0
  now = () => Date.now() + this.offset
  id = () => randomUUID()
}

const tokenOf = (url: string): string => new URL(url).pathname.replace('/invite/', '')

describe('invitations', () => {
  const clock = new MovableClock()
  let server: TestServer
  let sink: SmtpSink
  let alice: AgentClient

  beforeAll(async () => {
    sink = await SmtpSink.start()
    server = await TestServer.start({ clock, env: { SMTP_URL: sink.url } })
    alice = await server.clientFor(server.acme.alice)
  })
  afterAll(async () => {
    await server?.close()
    await sink?.close()
  })

  const invite = async (email: string, role: 'admin' | 'agent' = 'agent') =>
    expectStatus(await alice.request<NewInvitationResult>('/api/invitations', { json: { email, role }, headers: { origin: 'https://inbox.acme.test' } }), 201)

  it('makes a link on the app\'s origin, mails it, lists it; the link shows the workspace, and joining signs the agent in, once', async () => {
    const made = await invite('Nina@Acme.test', 'admin')
    expect(made.url).toMatch(/^https:\/\/inbox\.acme\.test\/invite\/inv_[\w-]+$/)
    expect(made.invitation).toMatchObject({ email: 'nina@acme.test', role: 'admin', invitedBy: server.acme.alice.id })
    expect(made.invitation.expiresAt - made.invitation.createdAt).toBe(INVITATION_TTL_MS)
    expect(made.mailed).toBe(true)
    const mail = sink.deliveries.find((d) => d.envelope.to.includes('nina@acme.test'))
    expect(mail?.mail.text).toContain(made.url)

    const listed = expectStatus(await alice.request<{ invitations: Invitation[] }>('/api/invitations'), 200).invitations
    expect(listed.map((i) => i.id)).toContain(made.invitation.id)

    const token = tokenOf(made.url)
    expect((await server.request(`/api/invitations/token/${token}`)).body).toEqual({ workspaceName: 'Acme Support', email: 'nina@acme.test', role: 'admin' })
    const joined = await server.request<{ agent: { role: string; email: string } }>(`/api/invitations/token/${token}/accept`, {
      json: { name: 'Nina Novak', password: 'nina has a password' },
    })
    expect(joined.status).toBe(201)
    expect(joined.body.agent).toMatchObject({ role: 'admin', email: 'nina@acme.test', name: 'Nina Novak', active: true })
    const cookie = joined.headers.get('set-cookie')?.match(/inbox_session=[^;]+/)?.[0]
    const workspace = expectStatus(await server.request<Workspace>('/api/workspace', { cookie }), 200)
    expect(workspace.me.email).toBe('nina@acme.test')

    // Single use: the link is dead, and the invitation is no longer pending.
    const again = await server.request<{ error: string }>(`/api/invitations/token/${token}/accept`, { json: { name: 'Mallory', password: 'another password' } })
    expect(again.status).toBe(404)
    expect(again.body.error).toBe(GONE)
    expect((await server.request(`/api/invitations/token/${token}`)).status).toBe(404)
    const after = expectStatus(await alice.request<{ invitations: Invitation[] }>('/api/invitations'), 200).invitations
    expect(after.map((i) => i.id)).not.toContain(made.invitation.id)
  })

  it('expires 7 days after it was made', async () => {
    const made = await invite('oscar@acme.test')
    const token = tokenOf(made.url)
    clock.offset += INVITATION_TTL_MS - 60_000
    expect((await server.request(`/api/invitations/token/${token}`)).status).toBe(200)
    clock.offset += 60_001
    const expired = await server.request<{ error: string }>(`/api/invitations/token/${token}`)
    expect(expired.status).toBe(404)
    expect(expired.body.error).toBe(GONE)
    expect((await server.request(`/api/invitations/token/${token}/accept`, { json: { name: 'Oscar', password: 'oscar password' } })).status).toBe(404)
    expect(await server.ctx.store.directory.findAgentByEmail('oscar@acme.test')).toBeNull()
    const listed = expectStatus(await alice.request<{ invitations: Invitation[] }>('/api/invitations'), 200).invitations
    expect(listed.map((i) => i.id)).not.toContain(made.invitation.id)
  })

  it('a revoked link stops working; another account cannot revoke it', async () => {
    const made = await invite('paula@acme.test')
    const token = tokenOf(made.url)
    const mallory = await server.clientFor(server.other.mallory)
    expect((await mallory.request(`/api/invitations/${made.invitation.id}`, { method: 'DELETE' })).status).toBe(404)
    expect((await server.request(`/api/invitations/token/${token}`)).status).toBe(200)
    expect((await alice.request(`/api/invitations/${made.invitation.id}`, { method: 'DELETE' })).body).toEqual({ ok: true })
    expect((await server.request(`/api/invitations/token/${token}`)).status).toBe(404)
    expect((await server.request(`/api/invitations/token/${token}/accept`, { json: { name: 'Paula', password: 'paula password' } })).status).toBe(404)
    expect((await alice.request(`/api/invitations/${made.invitation.id}`, { method: 'DELETE' })).status).toBe(404)
  })

  it('refuses to invite an email that already has an agent, naming the field', async () => {
    const res = await alice.request<{ fields: { path: string }[] }>('/api/invitations', { json: { email: 'bob@acme.test', role: 'agent' } })
    expect(res.status).toBe(409)
    expect(res.body.fields.map((f) => f.path)).toEqual(['email'])
  })

  it('is for administrators: an agent gets 403', async () => {
    const bob = await server.clientFor(server.acme.bob)
    expect((await bob.request('/api/invitations', { json: { email: 'quinn@acme.test', role: 'admin' } })).status).toBe(403)
    expect((await bob.request('/api/invitations')).status).toBe(403)
  })
})

describe('guessing invitation links', () => {
  let server: TestServer | undefined
  afterAll(async () => {
    await server?.close()
  })

  it('is limited per address like sign-in: wrong links run out, then even a right one waits (429)', async () => {
    server = await TestServer.start({ env: { SIGN_IN_FAILURES_PER_ADDRESS: '4' } })
    const alice = await server.clientFor(server.acme.alice)
    const made = expectStatus(await alice.request<NewInvitationResult>('/api/invitations', { json: { email: 'rita@acme.test', role: 'agent' } }), 201)
    for (let i = 0; i < 4; i++) expect((await server.request(`/api/invitations/token/inv_guess${i}`)).status).toBe(404)
    const blocked = await server.request(`/api/invitations/token/${tokenOf(made.url)}/accept`, { json: { name: 'Rita', password: 'rita password' } })
    expect(blocked.status).toBe(429)
    expect(await server.ctx.store.directory.findAgentByEmail('rita@acme.test')).toBeNull()
  })
})
