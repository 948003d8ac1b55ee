import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { storeBackends } from '../support/stores.ts'
import { useStore } from './fixture.ts'

// Accounts, agents, teams and inboxes: what setup and sign-in look up, in the same order on both backends.

describe.each(storeBackends())('directory store ($name)', (backend) => {
  const opened = useStore(backend)

  it('creates, reads and counts accounts', async () => {
    const { store } = opened
    const before = await store.directory.countAccounts()
    const id = randomUUID()
    await store.directory.createAccount({ id, name: 'Acme' }, 5)
    expect(await store.directory.getAccount(id)).toEqual({ id, name: 'Acme' })
    expect(await store.directory.getAccount(randomUUID())).toBeNull()
    expect(await store.directory.countAccounts()).toBe(before + 1)
  })

  it('finds agents by id and by email in any case, lists them by name (binary order), never leaks the hash in lists', async () => {
    const { store } = opened
    const accountId = randomUUID()
    await store.directory.createAccount({ id: accountId, name: 'Acme' }, 5)
    const zed = { id: randomUUID(), accountId, name: 'Zed', email: `Zed-${accountId}@Example.com`, role: 'agent' as const, passwordHash: 'hz' }
    const amy = { id: randomUUID(), accountId, name: 'amy', email: `amy-${accountId}@example.com`, role: 'admin' as const, passwordHash: 'ha' }
    const bob = { id: randomUUID(), accountId, name: 'Bob', email: `bob-${accountId}@example.com`, role: 'agent' as const, passwordHash: 'hb' }
    for (const a of [zed, amy, bob]) await store.directory.createAgent(a, 5)

    expect(await store.directory.getAgent(zed.id)).toEqual({ ...zed, active: true })
    expect(await store.directory.getAgent(randomUUID())).toBeNull()
    expect((await store.directory.findAgentByEmail(zed.email.toLowerCase()))?.id).toBe(zed.id)
    expect((await store.directory.findAgentByEmail(amy.email.toUpperCase()))?.id).toBe(amy.id)
    expect(await store.directory.findAgentByEmail(`nobody-${accountId}@example.com`)).toBeNull()
    // Binary order, as SQLite sorts: capitals before lower case.
    const listed = await store.directory.listAgents(accountId)
    expect(listed.map((a) => a.name)).toEqual(['Bob', 'Zed', 'amy'])
    expect(listed[0]).toEqual({ id: bob.id, accountId, name: 'Bob', email: bob.email, role: 'agent', active: true })
    expect(listed[0]).not.toHaveProperty('passwordHash')
  })

  it('refuses a second agent with the same email in another case', async () => {
    const { store } = opened
    const accountId = randomUUID()
    await store.directory.createAccount({ id: accountId, name: 'Acme' }, 5)
    const email = `dup-${accountId}@example.com`
    await store.directory.createAgent({ id: randomUUID(), accountId, name: 'One', email, role: 'agent', passwordHash: 'h' }, 5)
    await expect(
      store.directory.createAgent({ id: randomUUID(), accountId, name: 'Two', email: email.toUpperCase(), role: 'agent', passwordHash: 'h' }, 5),
    ).rejects.toThrow()
  })

  it('creates teams with their members and lists them by name', async () => {
    const { store } = opened
    const accountId = randomUUID()
    await store.directory.createAccount({ id: accountId, name: 'Acme' }, 5)
    const a = randomUUID()
    const b = randomUUID()
    for (const [id, name] of [[a, 'A'], [b, 'B']] as const) {
      await store.directory.createAgent({ id, accountId, name, email: `${id}@example.com`, role: 'agent', passwordHash: 'h' }, 5)
    }
    const sales = { id: randomUUID(), accountId, name: 'Sales', memberIds: [a, b].sort() }
    const billing = { id: randomUUID(), accountId, name: 'Billing', memberIds: [] }
    await store.directory.createTeam(sales)
    await store.directory.createTeam(billing)
    expect(await store.directory.listTeams(accountId)).toEqual([billing, sales])
    expect(await store.directory.listTeams(randomUUID())).toEqual([])
  })

  it('a team whose member does not exist is not created at all', async () => {
    const { store } = opened
    const accountId = randomUUID()
    await store.directory.createAccount({ id: accountId, name: 'Acme' }, 5)
    await expect(store.directory.createTeam({ id: randomUUID(), accountId, name: 'Ghosts', memberIds: [randomUUID()] })).rejects.toThrow()
    expect(await store.directory.listTeams(accountId)).toEqual([])
  })

  it('creates inboxes, finds them by id, token hash and setting, updates settings, lists by creation', async () => {
    const { store } = opened
    const accountId = randomUUID()
    await store.directory.createAccount({ id: accountId, name: 'Acme' }, 5)
    const mail = { id: randomUUID(), accountId, name: 'Mail', channelType: 'email' as const, settings: { emailAddress: `help-${accountId}@example.com` } }
    const chat = { id: randomUUID(), accountId, name: 'Chat', channelType: 'live_chat' as const, settings: {} }
    await store.directory.createInbox({ ...mail, tokenHash: `t-${mail.id}` }, 20)
    await store.directory.createInbox({ ...chat, tokenHash: `t-${chat.id}` }, 10)

    expect(await store.directory.getInbox(mail.id)).toEqual({ ...mail, archived: false })
    expect(await store.directory.getInbox(randomUUID())).toBeNull()
    expect((await store.directory.findInboxByTokenHash(`t-${chat.id}`))?.id).toBe(chat.id)
    expect(await store.directory.findInboxByTokenHash('no-such-hash')).toBeNull()
    expect((await store.directory.listInboxes(accountId)).map((i) => i.id)).toEqual([chat.id, mail.id])

    expect((await store.directory.findInboxBySetting('emailAddress', mail.settings.emailAddress))?.id).toBe(mail.id)
    const widgetKey = `wk-${randomUUID()}`
    await store.directory.updateInboxSettings(chat.id, { widgetKey })
    expect((await store.directory.getInbox(chat.id))?.settings).toEqual({ widgetKey })
    expect((await store.directory.findInboxBySetting('widgetKey', widgetKey))?.id).toBe(chat.id)
    expect(await store.directory.findInboxBySetting('widgetKey', `wk-${randomUUID()}`)).toBeNull()
  })
})
