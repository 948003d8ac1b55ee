import { afterEach, describe, expect, it } from 'vitest'
import { docName } from '../../../../shared/conversation-doc.ts'
import { emptyConversationState } from '../../../../shared/project-conversation.ts'
import { alone } from '../../../../server/cluster/exclusive.ts'
import type { Relay } from '../../../../server/cluster/relay.ts'
import { RoomRelay } from '../../../../server/cluster/rooms.ts'
import type { DocStore, DocUpdateRow } from '../../../../server/store/docs.ts'
import type { DocRegistry } from '../../../../server/sync/doc-registry.ts'
import { LiveDoc } from '../../../../server/sync/live-doc.ts'
import { eventually } from '../../../support/eventually.ts'

// The room relay's bookkeeping (DESIGN §6): an update whose id is the next one is applied as it
// comes; an id that skips one, or a reconnection, makes the room read the store after the last id
// it holds; and compaction may merge only up to the ids the replica really holds.

class FakeRelay implements Relay {
  readonly processId = 'me'
  readonly shared = true
  readonly published: { channel: string; body: unknown }[] = []
  private readonly handlers = new Map<string, (body: unknown, from: string) => void>()
  reconnected: () => void = () => {}

  publish(channel: string, body: unknown): void {
    this.published.push({ channel, body })
  }
  async subscribe(channel: string, handler: (body: unknown, from: string) => void): Promise<() => void> {
    this.handlers.set(channel, handler)
    return () => this.handlers.delete(channel)
  }
  onReconnect(listener: () => void): () => void {
    this.reconnected = listener
    return () => {}
  }
  async close(): Promise<void> {}
  deliver(channel: string, body: unknown): void {
    this.handlers.get(channel)?.(body, 'another-process')
  }
}

const update = (n: number) => new Uint8Array([n])
const b64 = (n: number) => Buffer.from(update(n)).toString('base64')

function rig(storedAtOpen: number) {
  const relay = new FakeRelay()
  const stored: DocUpdateRow[] = []
  const reads: number[] = []
  const docs = {
    loadDocUpdatesAfter: async (_doc: string, after: number) => {
      reads.push(after)
      return stored.filter((r) => r.id > after)
    },
  } as unknown as DocStore
  const applied: number[] = []
  const registry = { applyRelayed: (_live: LiveDoc, updates: Uint8Array[]) => applied.push(...updates.map((u) => u[0]!)) } as unknown as DocRegistry
  const rooms = new RoomRelay(relay, docs, alone, { checkMs: 60_000, gapGraceMs: 30 })
  rooms.bind(registry)
  const live = new LiveDoc('c1', 'acct', emptyConversationState, () => {})
  live.lastUpdateId = storedAtOpen
  const channel = `room:${live.conversationId}`
  return { relay, stored, reads, applied, rooms, live, channel }
}

describe('RoomRelay', () => {
  const open: RoomRelay[] = []
  afterEach(() => {
    for (const rooms of open.splice(0)) rooms.close()
  })

  it('applies the next id as it comes, and reads the store after the last id held when one is skipped', async () => {
    const r = rig(3)
    open.push(r.rooms)
    r.rooms.opened(r.live)
    // Subscribed, then one catch-up from the id the replica was loaded with.
    await eventually(() => expect(r.reads).toEqual([3]))
    r.relay.deliver(r.channel, { t: 'update', id: 4, update: b64(4) })
    expect(r.applied).toEqual([4])
    expect(r.rooms.safeThrough(r.live)).toBe(4)

    // 5 was lost on the way; 6 arrives.
    r.stored.push({ id: 5, data: update(5) }, { id: 6, data: update(6) })
    r.relay.deliver(r.channel, { t: 'update', id: 6, update: b64(6) })
    expect(r.rooms.safeThrough(r.live)).toBe(4)
    await eventually(() => expect(r.reads).toEqual([3, 4]))
    await eventually(() => expect(r.rooms.safeThrough(r.live)).toBe(6))
    expect(r.applied).toEqual([4, 6, 5, 6])
    // An id already held is not applied again.
    r.relay.deliver(r.channel, { t: 'update', id: 5, update: b64(5) })
    expect(r.applied).toHaveLength(4)
  })

  it('a reconnection makes every open room catch up; a closed room is left alone', async () => {
    const r = rig(0)
    open.push(r.rooms)
    r.rooms.opened(r.live)
    await eventually(() => expect(r.reads).toEqual([0]))
    r.stored.push({ id: 1, data: update(1) })
    r.relay.reconnected()
    await eventually(() => expect(r.applied).toEqual([1]))
    r.rooms.closed(r.live)
    r.stored.push({ id: 2, data: update(2) })
    r.relay.reconnected()
    r.relay.deliver(r.channel, { t: 'update', id: 2, update: b64(2) })
    await new Promise((resolve) => setTimeout(resolve, 60))
    expect(r.applied).toEqual([1])
  })

  it("relays this process's appends with their ids, and an own append after a gap waits for the gap", async () => {
    const r = rig(10)
    open.push(r.rooms)
    r.rooms.opened(r.live)
    await eventually(() => expect(r.reads).toEqual([10]))
    r.rooms.appended(r.live, 12, update(12))
    expect(r.relay.published).toContainEqual({ channel: r.channel, body: { t: 'update', id: 12, update: b64(12) } })
    // 11 is another process's, not heard of yet: compaction must stop at 10.
    expect(r.rooms.safeThrough(r.live)).toBe(10)
    r.relay.deliver(r.channel, { t: 'update', id: 11, update: b64(11) })
    expect(r.rooms.safeThrough(r.live)).toBe(12)
  })

  it('malformed relay messages are ignored', async () => {
    const r = rig(0)
    open.push(r.rooms)
    r.rooms.opened(r.live)
    await eventually(() => expect(r.reads).toEqual([0]))
    for (const body of [null, 'x', { t: 'update', id: -1, update: '' }, { t: 'what' }]) r.relay.deliver(r.channel, body)
    expect(r.applied).toEqual([])
  })
})
