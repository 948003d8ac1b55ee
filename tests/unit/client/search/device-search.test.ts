import 'fake-indexeddb/auto'
import { liveQuery } from 'dexie'
import { afterEach, describe, expect, it } from 'vitest'
import { applyFeedEntries } from '../../../../client/sync/apply-feed.ts'
import { DeviceSearch } from '../../../../client/search/device-search.ts'
import { resultViews } from '../../../../client/search/result-views.ts'
import { eventually } from '../../../support/eventually.ts'
import { contact, contactEntry, conversationEntry, facts, freshDatabase, message, messageEntry, newDoc } from '../fixtures.ts'

const dbs: ReturnType<typeof freshDatabase>[] = []
const engines: DeviceSearch[] = []
afterEach(async () => {
  for (const e of engines.splice(0)) e.close()
  for (const db of dbs.splice(0)) await db.delete()
})
const open = async (db: ReturnType<typeof freshDatabase>) => {
  const engine = await DeviceSearch.open(db, (query, next) => {
    const subscription = liveQuery(query).subscribe({ next })
    return () => subscription.unsubscribe()
  })
  engines.push(engine)
  return engine
}

describe('the search on the device', () => {
  it('builds from the stored feed, follows new entries, and a warm start loads the saved index', async () => {
    const db = freshDatabase()
    dbs.push(db)
    const dana = contact(crypto.randomUUID(), 'Dana')
    const c1 = facts(crypto.randomUUID(), { contactId: dana.id, number: 42 })
    await applyFeedEntries(db, [contactEntry(1, dana), conversationEntry(2, c1, newDoc(1)), messageEntry(message(c1.id, 3, { body: 'My parcel never arrived' }))], 3)
    expect(await db.searchPending.count()).toBeGreaterThan(0)

    const engine = await open(db)
    expect(engine.search('parc', {}).map((h) => h.id)).toEqual([c1.id])
    expect(engine.search('dana@example.com', {}).map((h) => h.id)).toEqual([c1.id])
    // The first build is saved at once, with the marks it includes gone.
    expect(await db.searchPending.count()).toBe(0)
    expect((await db.searchIndex.get('conversations'))?.json).toBeTruthy()

    await applyFeedEntries(db, [messageEntry(message(c1.id, 4, { kind: 'note', body: 'Courier kangaroo lost it' }))], 4)
    await eventually(() => expect(engine.search('kangaroo', {}).map((h) => h.id)).toEqual([c1.id]))
    const views = await resultViews(db, engine, 'kangaroo', {})
    expect(views[0]?.excerpt?.kind).toBe('note')
    expect(views[0]?.excerpt?.text.filter((s) => s.mark).map((s) => s.text)).toEqual(['kangaroo'])
    // Saved a little later, together with the removal of the marks.
    await eventually(async () => expect(await db.searchPending.count()).toBe(0), { timeout: 15_000 })
    engines.pop()!.close()

    // A warm start: an entry stored while no search was open is applied on top of the saved index.
    await applyFeedEntries(db, [messageEntry(message(c1.id, 5, { body: 'wombat delivery' }))], 5)
    const warm = await open(db)
    await eventually(() => expect(warm.search('wombat', {}).map((h) => h.id)).toEqual([c1.id]))
    expect(warm.search('kangaroo', {}).map((h) => h.id)).toEqual([c1.id])
    // The save is throttled (several seconds): this test waits for one.
  }, 30_000)
})
