import { randomUUID } from 'node:crypto'
import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import type { DocUpdateRow } from '../../server/store/docs.ts'
import { storeBackends } from '../support/stores.ts'
import { useStore } from './fixture.ts'

// The Yjs update log of each doc: appended updates come back in order with increasing ids; a
// compaction replaces the rows through an id with their merge at that id; a process catching up after
// a gap reads the rows after the last id it applied, and converges even when a compaction passed it.

/** A doc and the updates each edit produced. */
function editor() {
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => updates.push(u))
  const edit = (key: string, value: string) => doc.getMap('state').set(key, value)
  return { doc, updates, edit }
}

const replay = (rows: DocUpdateRow[], into = new Y.Doc()) => {
  for (const r of rows) Y.applyUpdate(into, r.data)
  return into
}
const stateOf = (doc: Y.Doc) => doc.getMap('state').toJSON()

describe.each(storeBackends())('docs store ($name)', (backend) => {
  const opened = useStore(backend)

  it('returns increasing ids and loads each doc\'s updates in order, byte for byte', async () => {
    const { store } = opened
    const [a, b] = [`conv:${randomUUID()}`, `conv:${randomUUID()}`]
    const ids = [
      await store.docs.appendDocUpdate(a, new Uint8Array([1])),
      await store.docs.appendDocUpdate(b, new Uint8Array([7])),
      await store.docs.appendDocUpdate(a, new Uint8Array([2, 2])),
      await store.docs.appendDocUpdate(a, new Uint8Array([])),
    ]
    expect(ids[2]!).toBeGreaterThan(ids[0]!)
    expect(ids[3]!).toBeGreaterThan(ids[2]!)
    const rows = await store.docs.loadDocUpdates(a)
    expect(rows.map((r) => [r.id, [...r.data]])).toEqual([[ids[0], [1]], [ids[2], [2, 2]], [ids[3], []]])
    expect((await store.docs.loadDocUpdates(b)).map((r) => [...r.data])).toEqual([[7]])
    expect(await store.docs.loadDocUpdates(`conv:${randomUUID()}`)).toEqual([])
  })

  it('loads the rows after an id', async () => {
    const { store } = opened
    const doc = `conv:${randomUUID()}`
    const ids: number[] = []
    for (let i = 0; i < 4; i++) ids.push(await store.docs.appendDocUpdate(doc, new Uint8Array([i])))
    expect((await store.docs.loadDocUpdatesAfter(doc, ids[1]!)).map((r) => r.id)).toEqual(ids.slice(2))
    expect((await store.docs.loadDocUpdatesAfter(doc, 0)).map((r) => r.id)).toEqual(ids)
    expect(await store.docs.loadDocUpdatesAfter(doc, ids[3]!)).toEqual([])
  })

  it('compacts the rows through an id into their merge at that id, keeps later rows and other docs', async () => {
    const { store } = opened
    const doc = `conv:${randomUUID()}`
    const bystander = `conv:${randomUUID()}`
    const e = editor()
    const ids: number[] = []
    for (const [k, v] of [['status', 'open'], ['assignee', 'alice'], ['priority', 'high'], ['status', 'pending']] as const) {
      e.edit(k, v)
      ids.push(await store.docs.appendDocUpdate(doc, e.updates.at(-1)!))
    }
    const other = await store.docs.appendDocUpdate(bystander, new Uint8Array([5]))
    const throughState = new Y.Doc()
    for (const u of e.updates.slice(0, 3)) Y.applyUpdate(throughState, u)
    await store.docs.compactDoc(doc, Y.encodeStateAsUpdate(throughState), ids[2]!)

    const rows = await store.docs.loadDocUpdates(doc)
    expect(rows.map((r) => r.id)).toEqual([ids[2], ids[3]])
    expect(stateOf(replay(rows))).toEqual(stateOf(e.doc))
    expect((await store.docs.loadDocUpdates(bystander)).map((r) => r.id)).toEqual([other])
    // An update appended after the compaction sorts after the merge.
    e.edit('labels', 'vip')
    const later = await store.docs.appendDocUpdate(doc, e.updates.at(-1)!)
    expect(later).toBeGreaterThan(ids[3]!)
    expect((await store.docs.loadDocUpdates(doc)).map((r) => r.id)).toEqual([ids[2], ids[3], later])
  })

  it('a catch-up from an id a compaction passed gets the merge and converges', async () => {
    const { store } = opened
    const doc = `conv:${randomUUID()}`
    const e = editor()
    const ids: number[] = []
    for (let i = 0; i < 6; i++) {
      e.edit(`k${i}`, `v${i}`)
      ids.push(await store.docs.appendDocUpdate(doc, e.updates.at(-1)!))
    }
    // A second process applied the first two rows, then missed the relay.
    const behind = replay((await store.docs.loadDocUpdates(doc)).slice(0, 2))
    const appliedThrough = ids[1]!
    // Meanwhile the first process compacted through the fifth row.
    const upToFifth = new Y.Doc()
    for (const u of e.updates.slice(0, 5)) Y.applyUpdate(upToFifth, u)
    await store.docs.compactDoc(doc, Y.encodeStateAsUpdate(upToFifth), ids[4]!)

    const missed = await store.docs.loadDocUpdatesAfter(doc, appliedThrough)
    expect(missed.map((r) => r.id)).toEqual([ids[4], ids[5]])
    expect(stateOf(replay(missed, behind))).toEqual(stateOf(e.doc))
    // A process already past the compaction point reads only what is new to it.
    expect((await store.docs.loadDocUpdatesAfter(doc, ids[4]!)).map((r) => r.id)).toEqual([ids[5]])
  })

  it('two compactions of one doc, in either order, leave a log that still replays to the whole state', async () => {
    const { store } = opened
    const doc = `conv:${randomUUID()}`
    const e = editor()
    const ids: number[] = []
    for (let i = 0; i < 5; i++) {
      e.edit(`k${i}`, `v${i}`)
      ids.push(await store.docs.appendDocUpdate(doc, e.updates.at(-1)!))
    }
    const merged = (n: number) => {
      const d = new Y.Doc()
      for (const u of e.updates.slice(0, n)) Y.applyUpdate(d, u)
      return Y.encodeStateAsUpdate(d)
    }
    // Process A compacts through the fourth row, process B (behind) through the second, concurrently.
    await Promise.all([store.docs.compactDoc(doc, merged(4), ids[3]!), store.docs.compactDoc(doc, merged(2), ids[1]!)])
    const rows = await store.docs.loadDocUpdates(doc)
    expect(rows.map((r) => r.id)).toEqual([...rows.map((r) => r.id)].sort((x, y) => x - y))
    expect(rows.at(-1)!.id).toBe(ids[4])
    expect(stateOf(replay(rows))).toEqual(stateOf(e.doc))

    // Two processes compacting through the same id at once: both succeed, one merge remains there.
    await Promise.all([store.docs.compactDoc(doc, merged(5), ids[4]!), store.docs.compactDoc(doc, merged(5), ids[4]!)])
    const once = await store.docs.loadDocUpdates(doc)
    expect(once.map((r) => r.id)).toEqual([ids[4]])
    expect(stateOf(replay(once))).toEqual(stateOf(e.doc))
  })

  it('concurrent appends to one doc all persist, each with its own id', async () => {
    const { store } = opened
    const doc = `conv:${randomUUID()}`
    const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => store.docs.appendDocUpdate(doc, new Uint8Array([i]))))
    expect(new Set(ids).size).toBe(30)
    const rows = await store.docs.loadDocUpdates(doc)
    expect(rows.map((r) => r.id)).toEqual([...ids].sort((x, y) => x - y))
    expect(rows.map((r) => r.data[0]).sort((x, y) => x! - y!)).toEqual(Array.from({ length: 30 }, (_, i) => i))
    if (backend.name === 'postgres') expect([...ids].sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1))
  })
})
