import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { FeedEntry } from '../../shared/schemas/feed.ts'
import type { Inbox } from '../../shared/schemas/entities.ts'
import type { Store } from '../../server/store/types.ts'
import { storeBackends } from '../support/stores.ts'
import { feedOf, newConversation, rawRun, seedAccount, useStore } from './fixture.ts'

// Administering an account: first-run setup, invitations, agents, teams and inboxes; every change
// publishes the account's directory (superseding) in its own transaction, and racing changes from
// two processes end as one would have.

/** The write's one entry is the account's directory as it stands now. */
async function expectDirectoryEntry(store: Store, accountId: string, entries: FeedEntry[]) {
  expect(entries).toHaveLength(1)
  const entry = entries[0]!
  expect(entry.kind).toBe('directory')
  if (entry.kind === 'directory') expect(entry.directory).toEqual(await store.admin.directory(accountId))
  // Superseding: the feed holds this one directory entry of the account, no older one.
  const directories = (await feedOf(store, accountId)).filter((e) => e.kind === 'directory')
  expect(directories).toEqual([entry])
}

const agentInput = (fields: { name?: string; email?: string; role?: 'admin' | 'agent' } = {}) => {
  const id = randomUUID()
  return { id, name: fields.name ?? 'Agent', email: fields.email ?? `${id}@example.com`, role: fields.role ?? ('agent' as const), passwordHash: 'h' }
}

/** A setup code for the store, whose hash (as far as the store knows) is the given string. */
const setupCode = (codeHash: string) => ({ code: codeHash.toUpperCase(), codeHash })

describe.each(storeBackends())('admin store ($name)', (backend) => {
  const opened = useStore(backend)

  describe('setup', () => {
    it('sets up the one account with the stored code, which is used up; a wrong code or a second setup is refused', async () => {
      // Setup needs a database with no account: a store of its own.
      const own = await backend.open()
      try {
        const { store } = own
        const setUp = (codeHash: string) =>
          store.admin.setUp({ codeHash, accountId: randomUUID(), accountName: 'Acme', agent: agentInput({ name: 'Ada', role: 'admin' }) }, 10)

        expect(await store.admin.setupCodeMatches('code-1')).toBe(false)
        expect(await setUp('code-1')).toEqual({ ok: false, reason: 'wrong_code' })
        await store.admin.setupCode(setupCode('code-1'), 1, 0)
        // Stale at 2: replaced, and only the newest code counts (setup-code.contract.test.ts has the rest).
        await store.admin.setupCode(setupCode('code-2'), 2, 2)
        expect(await store.admin.setupCodeMatches('code-1')).toBe(false)
        expect(await store.admin.setupCodeMatches('code-2')).toBe(true)
        expect(await store.admin.setupCodeMatches('code-3')).toBe(false)
        expect(await setUp('code-1')).toEqual({ ok: false, reason: 'wrong_code' })

        const accountId = randomUUID()
        const agent = agentInput({ name: 'Ada', email: 'Ada@Example.com', role: 'admin' })
        const done = await store.admin.setUp({ codeHash: 'code-2', accountId, accountName: 'Acme', agent }, 10)
        if (!done.ok) throw new Error(done.reason)
        expect(done.agent).toEqual({ id: agent.id, accountId, name: 'Ada', email: 'Ada@Example.com', role: 'admin', active: true })
        await expectDirectoryEntry(store, accountId, done.entries)
        expect(await store.admin.directory(accountId)).toEqual({ account: { id: accountId, name: 'Acme' }, agents: [done.agent], teams: [], inboxes: [], attributes: [] })
        expect(await store.admin.setupCodeMatches('code-2')).toBe(false)
        expect((await store.directory.getAgent(agent.id))?.passwordHash).toBe('h')

        await store.admin.setupCode(setupCode('code-4'), 20, 0)
        expect(await setUp('code-4')).toEqual({ ok: false, reason: 'exists' })
        expect(await store.directory.countAccounts()).toBe(1)
      } finally {
        await own.close()
      }
    })

    it('two processes setting up at once make one account', async () => {
      const own = await backend.open()
      try {
        const twin = await own.openTwin()
        await own.store.admin.setupCode(setupCode('code'), 1, 0)
        const results = await Promise.all(
          [own.store, twin, own.store, twin].map((s) =>
            s.admin.setUp({ codeHash: 'code', accountId: randomUUID(), accountName: 'Acme', agent: agentInput({ role: 'admin' }) }, 10),
          ),
        )
        expect(results.filter((r) => r.ok)).toHaveLength(1)
        // The losers see the winner's account (or, having waited for it, a used-up code): never a second account.
        for (const r of results.filter((r) => !r.ok)) expect(['exists', 'wrong_code']).toContain((r as { reason: string }).reason)
        expect(await own.store.directory.countAccounts()).toBe(1)
      } finally {
        await own.close()
      }
    })
  })

  describe('invitations', () => {
    const invite = (accountId: string, invitedBy: string, fields: { email?: string; createdAt?: number; expiresAt?: number; role?: 'admin' | 'agent' } = {}) => {
      const id = randomUUID()
      return {
        id,
        accountId,
        email: fields.email ?? `inv-${id}@example.com`,
        role: fields.role ?? ('agent' as const),
        tokenHash: `tok-${id}`,
        invitedBy,
        createdAt: fields.createdAt ?? 100,
        expiresAt: fields.expiresAt ?? 10_000,
      }
    }

    it('lists pending invitations oldest first, leaving out expired, revoked and accepted ones, and other accounts\'', async () => {
      const { store } = opened
      const w = await seedAccount(store)
      const other = await seedAccount(store)
      const second = invite(w.accountId, w.agentId, { createdAt: 200 })
      const first = invite(w.accountId, w.agentId, { createdAt: 100, role: 'admin' })
      const expired = invite(w.accountId, w.agentId, { createdAt: 50, expiresAt: 1_000 })
      const revoked = invite(w.accountId, w.agentId, { createdAt: 60 })
      const accepted = invite(w.accountId, w.agentId, { createdAt: 70 })
      for (const i of [second, first, expired, revoked, accepted, invite(other.accountId, other.agentId)]) await store.admin.insertInvitation(i)
      expect(await store.admin.revokeInvitation(w.accountId, revoked.id, 500)).toBe(true)
      expect((await store.admin.acceptInvitation(accepted.tokenHash, { id: randomUUID(), name: 'Acc', passwordHash: 'p' }, 500)).ok).toBe(true)

      const pending = await store.admin.pendingInvitations(w.accountId, 1_000)
      expect(pending).toEqual(
        [first, second].map((i) => ({ id: i.id, email: i.email, role: i.role, createdAt: i.createdAt, expiresAt: i.expiresAt, invitedBy: i.invitedBy })),
      )
      // Expiry is strict: at its instant it is no longer pending.
      expect((await store.admin.pendingInvitations(w.accountId, 999)).map((i) => i.id)).toEqual([expired.id, first.id, second.id])
    })

    it('finds a pending invitation by its token hash with the account name', async () => {
      const { store } = opened
      const w = await seedAccount(store)
      const i = invite(w.accountId, w.agentId, { expiresAt: 5_000 })
      await store.admin.insertInvitation(i)
      expect(await store.admin.pendingInvitationByToken(i.tokenHash, 4_999)).toEqual({
        id: i.id,
        email: i.email,
        role: 'agent',
        createdAt: i.createdAt,
        expiresAt: i.expiresAt,
        invitedBy: w.agentId,
        accountId: w.accountId,
        accountName: 'Acme',
      })
      expect(await store.admin.pendingInvitationByToken(i.tokenHash, 5_000)).toBeNull()
      expect(await store.admin.pendingInvitationByToken('tok-unknown', 0)).toBeNull()
      await store.admin.revokeInvitation(w.accountId, i.id, 100)
      expect(await store.admin.pendingInvitationByToken(i.tokenHash, 200)).toBeNull()
    })

    it('revokes once, only within its account, and never an accepted invitation', async () => {
      const { store } = opened
      const w = await seedAccount(store)
      const other = await seedAccount(store)
      const i = invite(w.accountId, w.agentId)
      const used = invite(w.accountId, w.agentId)
      await store.admin.insertInvitation(i)
      await store.admin.insertInvitation(used)
      expect(await store.admin.revokeInvitation(other.accountId, i.id, 10)).toBe(false)
      expect(await store.admin.revokeInvitation(w.accountId, i.id, 10)).toBe(true)
      expect(await store.admin.revokeInvitation(w.accountId, i.id, 11)).toBe(false)
      expect(await store.admin.revokeInvitation(w.accountId, randomUUID(), 11)).toBe(false)
      await store.admin.acceptInvitation(used.tokenHash, { id: randomUUID(), name: 'U', passwordHash: 'p' }, 20)
      expect(await store.admin.revokeInvitation(w.accountId, used.id, 30)).toBe(false)
    })

    it('accepting makes the agent with the invited role and its email in lower case, once', async () => {
      const { store } = opened
      const w = await seedAccount(store)
      const i = invite(w.accountId, w.agentId, { email: `New.Person-${randomUUID()}@Example.COM`, role: 'admin' })
      await store.admin.insertInvitation(i)
      const agentId = randomUUID()
      const accepted = await store.admin.acceptInvitation(i.tokenHash, { id: agentId, name: 'New Person', passwordHash: 'pw' }, 300)
      if (!accepted.ok) throw new Error(accepted.reason)
      expect(accepted.agent).toEqual({ id: agentId, accountId: w.accountId, name: 'New Person', email: i.email.toLowerCase(), role: 'admin', active: true })
      expect((await store.directory.getAgent(agentId))?.passwordHash).toBe('pw')
      await expectDirectoryEntry(store, w.accountId, accepted.entries)
      expect(await store.admin.acceptInvitation(i.tokenHash, { id: randomUUID(), name: 'Again', passwordHash: 'pw' }, 301)).toEqual({ ok: false, reason: 'gone' })
      expect(await store.admin.acceptInvitation('tok-unknown', { id: randomUUID(), name: 'X', passwordHash: 'pw' }, 301)).toEqual({ ok: false, reason: 'gone' })
    })

    it('an expired or revoked invitation is gone; an address already an agent\'s (in any case) is taken', async () => {
      const { store } = opened
      const w = await seedAccount(store)
      const expired = invite(w.accountId, w.agentId, { expiresAt: 100 })
      const revoked = invite(w.accountId, w.agentId)
      const taken = invite(w.accountId, w.agentId, { email: (await store.directory.getAgent(w.agentId))!.email.toUpperCase() })
      for (const i of [expired, revoked, taken]) await store.admin.insertInvitation(i)
      await store.admin.revokeInvitation(w.accountId, revoked.id, 50)
      const a = { id: randomUUID(), name: 'A', passwordHash: 'p' }
      expect(await store.admin.acceptInvitation(expired.tokenHash, a, 100)).toEqual({ ok: false, reason: 'gone' })
      expect(await store.admin.acceptInvitation(revoked.tokenHash, a, 60)).toEqual({ ok: false, reason: 'gone' })
      expect(await store.admin.acceptInvitation(taken.tokenHash, a, 60)).toEqual({ ok: false, reason: 'email_taken' })
      expect(await store.directory.getAgent(a.id)).toBeNull()
      // Not used up by the refusal.
      expect(await store.admin.pendingInvitationByToken(taken.tokenHash, 60)).not.toBeNull()
    })

    it('two processes accepting one invitation at once make one agent', async () => {
      const own = await backend.open()
      try {
        const twin = await own.openTwin()
        const store = own.store
        const w = await seedAccount(store)
        const i = invite(w.accountId, w.agentId)
        await store.admin.insertInvitation(i)
        const ids: string[] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()]
        const results = await Promise.all(
          ids.map((id, n) => (n % 2 === 0 ? store : twin).admin.acceptInvitation(i.tokenHash, { id, name: `A${n}`, passwordHash: 'p' }, 10)),
        )
        expect(results.filter((r) => r.ok)).toHaveLength(1)
        expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, reason: 'gone' }, { ok: false, reason: 'gone' }, { ok: false, reason: 'gone' }])
        expect((await store.admin.agentsWithCreatedAt(w.accountId)).filter((a) => ids.includes(a.id))).toHaveLength(1)
      } finally {
        await own.close()
      }
    })
  })

  describe('agents', () => {
    it('lists agents with their creation time in binary name order', async () => {
      const { store } = opened
      const w = await seedAccount(store, 1_000)
      await store.directory.createAgent({ ...agentInput({ name: 'bea' }), accountId: w.accountId }, 3_000)
      await store.directory.createAgent({ ...agentInput({ name: 'Zed' }), accountId: w.accountId }, 2_000)
      const listed = await store.admin.agentsWithCreatedAt(w.accountId)
      expect(listed.map((a) => [a.name, a.createdAt])).toEqual([['Alice', 1_000], ['Zed', 2_000], ['bea', 3_000]])
      expect(listed[0]).not.toHaveProperty('passwordHash')
      expect(await store.admin.agentsWithCreatedAt(randomUUID())).toEqual([])
    })

    it('changes name, role and active state, publishing the directory; another account\'s agent is not found', async () => {
      const { store } = opened
      const w = await seedAccount(store)
      const other = await seedAccount(store)
      const bob = { ...agentInput({ name: 'Bob' }), accountId: w.accountId }
      await store.directory.createAgent(bob, 5)

      const renamed = await store.admin.updateAgent(w.accountId, bob.id, { name: 'Robert', role: 'admin' })
      if (!renamed.ok) throw new Error(renamed.reason)
      expect(renamed.agent).toEqual({ id: bob.id, accountId: w.accountId, name: 'Robert', email: bob.email, role: 'admin', active: true })
      await expectDirectoryEntry(store, w.accountId, renamed.entries)
      // Fields not named stay as they are.
      const off = await store.admin.updateAgent(w.accountId, bob.id, { active: false })
      expect(off.ok && off.agent).toMatchObject({ name: 'Robert', role: 'admin', active: false })

      expect(await store.admin.updateAgent(other.accountId, bob.id, { name: 'X' })).toEqual({ ok: false, reason: 'not_found' })
      expect(await store.admin.updateAgent(w.accountId, randomUUID(), { name: 'X' })).toEqual({ ok: false, reason: 'not_found' })
      expect((await store.directory.getAgent(bob.id))?.name).toBe('Robert')
    })

    it('the last active administrator can be neither demoted nor deactivated; with another one, either can', async () => {
      const { store } = opened
      const w = await seedAccount(store)
      expect(await store.admin.updateAgent(w.accountId, w.agentId, { role: 'agent' })).toEqual({ ok: false, reason: 'last_admin' })
      expect(await store.admin.updateAgent(w.accountId, w.agentId, { active: false })).toEqual({ ok: false, reason: 'last_admin' })
      // Renaming is fine.
      expect((await store.admin.updateAgent(w.accountId, w.agentId, { name: 'Alicia' })).ok).toBe(true)

      // An inactive admin does not count as another one.
      const dormant = { ...agentInput({ role: 'admin' }), accountId: w.accountId }
      await store.directory.createAgent(dormant, 5)
      expect((await store.admin.updateAgent(w.accountId, dormant.id, { active: false })).ok).toBe(true)
      expect(await store.admin.updateAgent(w.accountId, w.agentId, { role: 'agent' })).toEqual({ ok: false, reason: 'last_admin' })

      expect((await store.admin.updateAgent(w.accountId, dormant.id, { active: true })).ok).toBe(true)
      expect((await store.admin.updateAgent(w.accountId, w.agentId, { role: 'agent' })).ok).toBe(true)
      expect(await store.admin.updateAgent(w.accountId, dormant.id, { active: false })).toEqual({ ok: false, reason: 'last_admin' })
    })

    it('two administrators demoting each other at once from two processes leave one administrator', async () => {
      const own = await backend.open()
      try {
        const twin = await own.openTwin()
        const w = await seedAccount(own.store)
        const second = { ...agentInput({ role: 'admin' }), accountId: w.accountId }
        await own.store.directory.createAgent(second, 5)
        const [a, b] = await Promise.all([
          own.store.admin.updateAgent(w.accountId, w.agentId, { role: 'agent' }),
          twin.admin.updateAgent(w.accountId, second.id, { role: 'agent' }),
        ])
        expect([a.ok, b.ok].filter(Boolean)).toHaveLength(1)
        const admins = (await own.store.admin.agentsWithCreatedAt(w.accountId)).filter((x) => x.role === 'admin' && x.active)
        expect(admins).toHaveLength(1)
      } finally {
        await own.close()
      }
    })

    it('sets a password hash', async () => {
      const { store } = opened
      const w = await seedAccount(store)
      await store.admin.setPasswordHash(w.agentId, 'new-hash')
      expect((await store.directory.getAgent(w.agentId))?.passwordHash).toBe('new-hash')
    })

    it('lists the agent\'s unresolved assigned conversations', async () => {
      const { store } = opened
      const w = await seedAccount(store)
      const open = await newConversation(store, w)
      const snoozed = await newConversation(store, w)
      const resolved = await newConversation(store, w)
      const someoneElses = await newConversation(store, w)
      await newConversation(store, w)
      for (const c of [open, snoozed, resolved]) await rawRun(store, 'UPDATE conversations SET assignee_id = $1 WHERE id = $2', [w.agentId, c.id])
      await rawRun(store, `UPDATE conversations SET status = 'snoozed' WHERE id = $1`, [snoozed.id])
      await rawRun(store, `UPDATE conversations SET status = 'resolved' WHERE id = $1`, [resolved.id])
      await rawRun(store, 'UPDATE conversations SET assignee_id = $1 WHERE id = $2', [randomUUID(), someoneElses.id])
      expect((await store.admin.unresolvedAssignedTo(w.accountId, w.agentId)).sort()).toEqual([open.id, snoozed.id].sort())
      expect(await store.admin.unresolvedAssignedTo(randomUUID(), w.agentId)).toEqual([])
    })
  })

  describe('teams', () => {
    it('creates a team of the account\'s agents (each once), reads, renames, re-members and deletes it', async () => {
      const { store } = opened
      const w = await seedAccount(store)
      const bob = { ...agentInput({ name: 'Bob' }), accountId: w.accountId }
      await store.directory.createAgent(bob, 5)
      const team = { id: randomUUID(), accountId: w.accountId, name: 'Sales', memberIds: [bob.id, w.agentId, bob.id] }
      const made = await store.admin.insertTeam(team)
      if (!made.ok) throw new Error(made.reason)
      const members = [bob.id, w.agentId].sort()
      expect(made.team).toEqual({ ...team, memberIds: members })
      await expectDirectoryEntry(store, w.accountId, made.entries)
      expect(await store.admin.getTeam(w.accountId, team.id)).toEqual(made.team)

      const renamed = await store.admin.updateTeam(w.accountId, team.id, { name: 'Revenue' })
      expect(renamed.ok && renamed.team).toEqual({ ...team, name: 'Revenue', memberIds: members })
      const fewer = await store.admin.updateTeam(w.accountId, team.id, { memberIds: [bob.id] })
      if (!fewer.ok) throw new Error(fewer.reason)
      expect(fewer.team).toEqual({ ...team, name: 'Revenue', memberIds: [bob.id] })
      await expectDirectoryEntry(store, w.accountId, fewer.entries)
      expect((await store.admin.updateTeam(w.accountId, team.id, { memberIds: [] })).ok).toBe(true)
      expect((await store.admin.getTeam(w.accountId, team.id))?.memberIds).toEqual([])

      const gone = await store.admin.deleteTeam(w.accountId, team.id)
      if (!gone.ok) throw new Error(gone.reason)
      await expectDirectoryEntry(store, w.accountId, gone.entries)
      expect(await store.admin.getTeam(w.accountId, team.id)).toBeNull()
      expect(await store.admin.deleteTeam(w.accountId, team.id)).toEqual({ ok: false, reason: 'not_found' })
    })

    it('refuses members not in the account, and teams of another account', async () => {
      const { store } = opened
      const w = await seedAccount(store)
      const other = await seedAccount(store)
      expect(await store.admin.insertTeam({ id: randomUUID(), accountId: w.accountId, name: 'T', memberIds: [other.agentId] })).toEqual({
        ok: false,
        reason: 'bad_member',
      })
      expect(await store.admin.insertTeam({ id: randomUUID(), accountId: w.accountId, name: 'T', memberIds: [randomUUID()] })).toEqual({
        ok: false,
        reason: 'bad_member',
      })
      const team = { id: randomUUID(), accountId: w.accountId, name: 'T', memberIds: [w.agentId] }
      expect((await store.admin.insertTeam(team)).ok).toBe(true)
      expect(await store.admin.updateTeam(w.accountId, team.id, { name: 'U', memberIds: [other.agentId] })).toEqual({ ok: false, reason: 'bad_member' })
      // A refused change changes nothing, not even the name given with it.
      expect(await store.admin.getTeam(w.accountId, team.id)).toEqual(team)
      expect(await store.admin.updateTeam(other.accountId, team.id, { name: 'X' })).toEqual({ ok: false, reason: 'not_found' })
      expect(await store.admin.deleteTeam(other.accountId, team.id)).toEqual({ ok: false, reason: 'not_found' })
      expect(await store.admin.getTeam(other.accountId, team.id)).toBeNull()
    })

    it('lists the conversations of a team', async () => {
      const { store } = opened
      const w = await seedAccount(store)
      const team = { id: randomUUID(), accountId: w.accountId, name: 'T', memberIds: [] }
      await store.admin.insertTeam(team)
      const a = await newConversation(store, w)
      const b = await newConversation(store, w)
      await newConversation(store, w)
      for (const c of [a, b]) await rawRun(store, 'UPDATE conversations SET team_id = $1 WHERE id = $2', [team.id, c.id])
      expect((await store.admin.conversationsOfTeam(team.id)).sort()).toEqual([a.id, b.id].sort())
      expect(await store.admin.conversationsOfTeam(randomUUID())).toEqual([])
    })
  })

  describe('inboxes', () => {
    const inbox = (accountId: string, fields: Partial<Inbox> = {}): Inbox & { tokenHash: string } => {
      const id = randomUUID()
      return { id, accountId, name: 'Support', channelType: 'email', settings: {}, archived: false, tokenHash: `tok-${id}`, ...fields }
    }

    it('creates an inbox and lists the account\'s inboxes by creation with their conversation counts', async () => {
      const { store } = opened
      const w = await seedAccount(store, 1_000)
      const mail = inbox(w.accountId, { name: 'Mail', settings: { emailAddress: `help-${randomUUID()}@acme.test` } })
      const made = await store.admin.insertInbox(mail, 5_000)
      if (!made.ok) throw new Error(made.reason)
      const { tokenHash: _t, ...expected } = mail
      expect(made.inbox).toEqual(expected)
      await expectDirectoryEntry(store, w.accountId, made.entries)
      expect((await store.directory.findInboxByTokenHash(mail.tokenHash))?.id).toBe(mail.id)

      await newConversation(store, w)
      await newConversation(store, w)
      const listed = await store.admin.inboxesWithCounts(w.accountId)
      expect(listed.map((i) => [i.id, i.conversationCount])).toEqual([[w.inboxId, 2], [mail.id, 0]])
      expect(listed[1]).toEqual({ ...expected, conversationCount: 0 })
    })

    it('an email address names one inbox across accounts, in any case', async () => {
      const { store } = opened
      const w = await seedAccount(store)
      const other = await seedAccount(store)
      const address = `Shared-${randomUUID()}@Acme.test`
      expect((await store.admin.insertInbox(inbox(w.accountId, { settings: { emailAddress: address } }), 1)).ok).toBe(true)
      expect(await store.admin.insertInbox(inbox(other.accountId, { settings: { emailAddress: address.toLowerCase() } }), 1)).toEqual({
        ok: false,
        reason: 'email_taken',
      })
      const second = inbox(other.accountId)
      await store.admin.insertInbox(second, 1)
      expect(await store.admin.updateInbox(other.accountId, second.id, { emailAddress: address.toUpperCase() })).toEqual({ ok: false, reason: 'email_taken' })
    })

    it('updates name, address and archived state; a non-email inbox has no address; another account\'s is not found', async () => {
      const { store } = opened
      const w = await seedAccount(store)
      const other = await seedAccount(store)
      const mail = inbox(w.accountId, { settings: { emailAddress: `old-${randomUUID()}@acme.test` } })
      await store.admin.insertInbox(mail, 1)
      const address = `new-${randomUUID()}@acme.test`
      const changed = await store.admin.updateInbox(w.accountId, mail.id, { name: 'Billing', emailAddress: address, archived: true })
      if (!changed.ok) throw new Error(changed.reason)
      expect(changed.inbox).toMatchObject({ id: mail.id, name: 'Billing', settings: { emailAddress: address }, archived: true })
      await expectDirectoryEntry(store, w.accountId, changed.entries)
      // Its own address again is not "taken".
      expect((await store.admin.updateInbox(w.accountId, mail.id, { emailAddress: address, archived: false })).ok).toBe(true)
      expect(await store.directory.getInbox(mail.id)).toMatchObject({ name: 'Billing', archived: false })

      expect(await store.admin.updateInbox(w.accountId, w.inboxId, { emailAddress: `x-${randomUUID()}@acme.test` })).toEqual({ ok: false, reason: 'not_email' })
      expect((await store.admin.updateInbox(w.accountId, w.inboxId, { name: 'Website' })).ok).toBe(true)
      expect(await store.admin.updateInbox(other.accountId, mail.id, { name: 'X' })).toEqual({ ok: false, reason: 'not_found' })
    })

    it('replaces an API inbox\'s token hash only', async () => {
      const { store } = opened
      const w = await seedAccount(store)
      const other = await seedAccount(store)
      const api = inbox(w.accountId, { channelType: 'api' })
      await store.admin.insertInbox(api, 1)
      const fresh = `tok-${randomUUID()}`
      expect(await store.admin.replaceInboxToken(w.accountId, api.id, fresh)).toBe('ok')
      expect(await store.directory.findInboxByTokenHash(api.tokenHash)).toBeNull()
      expect((await store.directory.findInboxByTokenHash(fresh))?.id).toBe(api.id)
      expect(await store.admin.replaceInboxToken(w.accountId, w.inboxId, `tok-${randomUUID()}`)).toBe('not_api')
      expect(await store.admin.replaceInboxToken(other.accountId, api.id, `tok-${randomUUID()}`)).toBe('not_found')
    })

    it('deletes an unused inbox; one with conversations or website visitors stays', async () => {
      const { store } = opened
      const w = await seedAccount(store)
      const other = await seedAccount(store)
      const unused = inbox(w.accountId)
      const visited = inbox(w.accountId, { channelType: 'live_chat' })
      await store.admin.insertInbox(unused, 1)
      await store.admin.insertInbox(visited, 1)
      await store.visitors.insert({ id: randomUUID(), accountId: w.accountId, inboxId: visited.id, contactId: null, name: 'V', email: null, createdAt: 1, revokedAt: null })
      await newConversation(store, w)

      expect(await store.admin.deleteInbox(other.accountId, unused.id)).toEqual({ ok: false, reason: 'not_found' })
      expect(await store.admin.deleteInbox(w.accountId, w.inboxId)).toEqual({ ok: false, reason: 'has_conversations' })
      expect(await store.admin.deleteInbox(w.accountId, visited.id)).toEqual({ ok: false, reason: 'has_conversations' })
      const deleted = await store.admin.deleteInbox(w.accountId, unused.id)
      if (!deleted.ok) throw new Error(deleted.reason)
      await expectDirectoryEntry(store, w.accountId, deleted.entries)
      expect(await store.directory.getInbox(unused.id)).toBeNull()
      expect(await store.directory.getInbox(visited.id)).not.toBeNull()
      expect(await store.admin.deleteInbox(w.accountId, unused.id)).toEqual({ ok: false, reason: 'not_found' })
    })
  })

  it('the directory holds the account, its agents, teams and inboxes in a fixed order', async () => {
    const { store } = opened
    const w = await seedAccount(store)
    const team = { id: randomUUID(), accountId: w.accountId, name: 'Ops', memberIds: [w.agentId] }
    await store.admin.insertTeam(team)
    const directory = await store.admin.directory(w.accountId)
    expect(directory.account).toEqual({ id: w.accountId, name: 'Acme' })
    expect(directory.agents.map((a) => a.id)).toEqual([w.agentId])
    expect(directory.teams).toEqual([team])
    expect(directory.inboxes.map((i) => i.id)).toEqual([w.inboxId])
    expect(directory.attributes).toEqual([])
  })
})
