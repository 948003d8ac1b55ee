import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Directory } from '../../../../shared/schemas/admin.ts'
import type { Workspace } from '../../../../shared/schemas/api.ts'
import { FeedEntry } from '../../../../shared/schemas/feed.ts'
import type { InboxDatabase } from '../../../../client/db/database.ts'
import { readMeta } from '../../../../client/db/database.ts'
import { applyFeedEntries } from '../../../../client/sync/apply-feed.ts'
import { contact, contactEntry, freshDatabase, ids } from '../fixtures.ts'

// The directory feed entry (account, agents, teams, inboxes after any change to them) replaces the
// device's stored workspace, which the session store follows live.

const agent = (id: string, name: string, over: Partial<Workspace['me']> = {}) => ({
  id,
  accountId: ids.account,
  name,
  email: `${name.toLowerCase()}@example.com`,
  role: 'agent' as const,
  active: true,
  ...over,
})
const alice = agent(ids.alice, 'Alice', { role: 'admin' })
const bob = agent(ids.bob, 'Bob')
const inbox = { id: ids.inbox, accountId: ids.account, name: 'Website', channelType: 'live_chat' as const, settings: {}, archived: false }

const stored: Workspace = {
  me: bob,
  account: { id: ids.account, name: 'Acme' },
  agents: [alice, bob],
  teams: [],
  inboxes: [inbox],
  attributes: [],
}

const directoryEntry = (seq: number, directory: Directory): FeedEntry => FeedEntry.parse({ seq, kind: 'directory', directory })

let db: InboxDatabase
beforeEach(() => {
  db = freshDatabase()
})
afterEach(async () => {
  await db.delete()
})

describe('applying a directory entry', () => {
  it('replaces the stored workspace, with me as the directory now describes me', async () => {
    await db.meta.put({ key: 'workspace', value: stored })
    const apiInbox = { id: crypto.randomUUID(), accountId: ids.account, name: 'Scripts', channelType: 'api' as const, settings: {}, archived: false }
    const team = { id: ids.team, accountId: ids.account, name: 'Billing', memberIds: [ids.bob] }
    await applyFeedEntries(
      db,
      [
        directoryEntry(7, {
          account: { id: ids.account, name: 'Acme Ltd' },
          agents: [alice, { ...bob, name: 'Robert', role: 'admin' }],
          teams: [team],
          inboxes: [{ ...inbox, archived: true }, apiInbox],
          attributes: [],
        }),
      ],
      7,
    )

    const workspace = await readMeta(db, 'workspace')
    expect(workspace?.me).toEqual({ ...bob, name: 'Robert', role: 'admin' })
    expect(workspace?.account.name).toBe('Acme Ltd')
    expect(workspace?.teams).toEqual([team])
    expect(workspace?.inboxes.map((i) => [i.name, i.archived])).toEqual([
      ['Website', true],
      ['Scripts', false],
    ])
    expect(await readMeta(db, 'cursor')).toBe(7)
  })

  it('keeps a deactivated agent in the directory (old assignments keep their name)', async () => {
    await db.meta.put({ key: 'workspace', value: stored })
    await applyFeedEntries(db, [directoryEntry(3, { account: stored.account, agents: [alice, { ...bob, active: false }], teams: [], inboxes: [inbox], attributes: [] })], 3)
    const workspace = await readMeta(db, 'workspace')
    expect(workspace?.agents.find((a) => a.id === ids.bob)).toMatchObject({ name: 'Bob', active: false })
  })

  it('takes the newest of several directory entries in one page, beside the other kinds', async () => {
    await db.meta.put({ key: 'workspace', value: stored })
    const dana = contact(crypto.randomUUID(), 'Dana')
    await applyFeedEntries(
      db,
      [
        directoryEntry(4, { ...stored, agents: [alice, { ...bob, name: 'Bobby' }] }),
        contactEntry(5, dana),
        directoryEntry(6, { ...stored, agents: [alice, { ...bob, name: 'Bob B.' }] }),
      ],
      6,
    )
    expect((await readMeta(db, 'workspace'))?.me.name).toBe('Bob B.')
    expect(await db.contacts.get(dana.id)).toEqual(dana)
  })

  it('keeps my stored self when the directory does not list me', async () => {
    await db.meta.put({ key: 'workspace', value: stored })
    await applyFeedEntries(db, [directoryEntry(2, { ...stored, agents: [alice] })], 2)
    const workspace = await readMeta(db, 'workspace')
    expect(workspace?.me).toEqual(bob)
    expect(workspace?.agents).toEqual([alice])
  })

  it('writes nothing on a device that has no workspace stored', async () => {
    await applyFeedEntries(db, [directoryEntry(2, { ...stored, agents: [alice] })], 2)
    expect(await readMeta(db, 'workspace')).toBeUndefined()
    expect(await readMeta(db, 'cursor')).toBe(2)
  })
})
