import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { InboxDatabase } from '../../../../client/db/database.ts'
import { applyFeedEntries } from '../../../../client/sync/apply-feed.ts'
import { ContactEditSender, overlay, pendingKeys, queueContactEdit } from '../../../../client/sync/contact-edits.ts'
import { contact, contactEntry, freshDatabase } from '../fixtures.ts'

// An agent's attribute edits wait on the device (offline too), show over the server's values, are
// sent in order, and stay until their contact entry arrives; a refused one stops showing.

describe('contact attribute edits on the device', () => {
  let db: InboxDatabase
  const vera = { ...contact(crypto.randomUUID(), 'Vera'), attributes: { plan: 'pro', seats: 3 } }
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

  beforeEach(async () => {
    db = freshDatabase()
    await applyFeedEntries(db, [contactEntry(1, vera)], 1)
  })
  afterEach(async () => {
    vi.unstubAllGlobals()
    await db.delete()
  })

  const shown = async () => overlay((await db.contacts.get(vera.id))!, await db.contactEdits.toArray()).attributes

  it('shows queued edits over the server values, oldest first, and names the keys still waiting', async () => {
    await queueContactEdit(db, vera.id, { seats: 5 }, 10)
    await queueContactEdit(db, vera.id, { vip: true, plan: null }, 11)
    await queueContactEdit(db, vera.id, { seats: 7 }, 12)
    expect(await shown()).toEqual({ seats: 7, vip: true })
    expect(pendingKeys(await db.contactEdits.toArray())).toEqual(new Set(['seats', 'vip', 'plan']))
    // The server's own values (another agent's edit of plan) stay under the pending edits.
    await applyFeedEntries(db, [contactEntry(2, { ...vera, attributes: { plan: 'starter', seats: 3, city: 'Oslo' } })], 2)
    expect(await shown()).toEqual({ seats: 7, vip: true, city: 'Oslo' })
  })

  it('sends each edit once, in order; a sent edit stays until its entry arrives, then the server value shows', async () => {
    await queueContactEdit(db, vera.id, { seats: 5 }, 10)
    await queueContactEdit(db, vera.id, { vip: true }, 11)
    const bodies: unknown[] = []
    let seq = 40
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      expect(url).toBe(`/api/contacts/${vera.id}/attributes`)
      expect(init.method).toBe('PATCH')
      bodies.push(JSON.parse(String(init.body)))
      return json(200, { contact: vera, seq: ++seq })
    })
    await new ContactEditSender(db).flush()
    expect(bodies).toEqual([{ set: { seats: 5 } }, { set: { vip: true } }])
    const edits = await db.contactEdits.toArray()
    expect(edits.map((e) => e.state)).toEqual(['sent', 'sent'])
    expect(pendingKeys(edits).size).toBe(0)
    // An older entry still in flight does not bring the old value back.
    await applyFeedEntries(db, [contactEntry(30, vera)], 30)
    expect(await shown()).toEqual({ plan: 'pro', seats: 5, vip: true })
    await applyFeedEntries(db, [contactEntry(41, { ...vera, attributes: { plan: 'pro', seats: 5 } })], 41)
    expect((await db.contactEdits.toArray()).map((e) => e.set)).toEqual([{ vip: true }])
    await applyFeedEntries(db, [contactEntry(42, { ...vera, attributes: { plan: 'pro', seats: 5, vip: true } })], 42)
    expect(await db.contactEdits.count()).toBe(0)
    expect(await shown()).toEqual({ plan: 'pro', seats: 5, vip: true })
  })

  it('offline, edits wait; a refusal marks the edit failed with the reason, and the server value shows again', async () => {
    await queueContactEdit(db, vera.id, { seats: 9 }, 10)
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('fetch failed')
    })
    await expect(new ContactEditSender(db).flush()).rejects.toThrow('fetch failed')
    expect((await db.contactEdits.toArray())[0]!.state).toBe('waiting')

    vi.stubGlobal('fetch', async () => json(400, { error: 'set.seats: Seats must be a number', fields: [{ path: 'set.seats', message: 'Seats must be a number' }] }))
    await new ContactEditSender(db).flush()
    const [failed] = await db.contactEdits.toArray()
    expect(failed).toMatchObject({ state: 'failed', error: 'Seats must be a number' })
    expect(await shown()).toEqual({ plan: 'pro', seats: 3 })
  })
})
