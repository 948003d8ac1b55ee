import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PgStore } from '../../server/store/pg/pg-store.ts'
import { SqliteStore } from '../../server/store/sqlite/sqlite-store.ts'
import type { Store } from '../../server/store/types.ts'
import { type OpenedStore, storeBackends } from '../support/stores.ts'

// The reads area on both backends (DESIGN §6: one interface, one suite): the larger mark wins unless
// exact, a change appends one superseding agent-only entry, and a no-op takes no seq.

async function addAccount(store: Store, id: string): Promise<void> {
  // Only the account's feed counter row is needed; the directory area may not be ported yet.
  if (store instanceof SqliteStore) store.db.prepare("INSERT INTO accounts (id, name, created_at) VALUES (?, 'Acme', 0)").run(id)
  else if (store instanceof PgStore) await store.db.run("INSERT INTO accounts (id, name, created_at) VALUES ($1, 'Acme', 0)", [id])
  else throw new Error('unknown store')
}

async function feedKinds(store: Store, accountId: string): Promise<{ seq: number; kind: string; entityId: string; audience: string | null }[]> {
  const sql = 'SELECT seq, kind, entity_id AS "entityId", audience FROM feed WHERE account_id = $1 ORDER BY seq'
  if (store instanceof SqliteStore) return store.db.prepare(sql.replace('$1', '?')).all(accountId) as never
  if (store instanceof PgStore) return store.db.rows(sql, [accountId])
  throw new Error('unknown store')
}

for (const backend of storeBackends()) {
  describe(`reads store (${backend.name})`, () => {
    let opened: OpenedStore
    let store: Store
    const accountId = randomUUID()
    const alice = randomUUID()
    const bob = randomUUID()

    beforeAll(async () => {
      opened = await backend.open()
      store = opened.store
      await addAccount(store, accountId)
    })
    afterAll(() => opened.close())

    it('keeps the larger mark, writes one superseding entry for the agent alone, and nothing for a no-op', async () => {
      const conversationId = randomUUID()
      expect(await store.reads.get(alice, conversationId)).toBeNull()
      const first = await store.reads.mark({ accountId, agentId: alice, conversationId, seenSeq: 5, at: 1 })
      expect(first.mark).toEqual({ agentId: alice, conversationId, seenSeq: 5, at: 1 })
      expect(first.entries).toEqual([{ seq: expect.any(Number), kind: 'read', read: first.mark }])

      const lower = await store.reads.mark({ accountId, agentId: alice, conversationId, seenSeq: 3, at: 2 })
      expect(lower).toEqual({ mark: first.mark, entries: [] })
      const higher = await store.reads.mark({ accountId, agentId: alice, conversationId, seenSeq: 9, at: 3 })
      expect(higher.mark.seenSeq).toBe(9)
      expect(higher.entries[0]!.seq).toBeGreaterThan(first.entries[0]!.seq)

      const rows = (await feedKinds(store, accountId)).filter((r) => r.entityId === `${alice}:${conversationId}`)
      expect(rows).toEqual([{ seq: higher.entries[0]!.seq, kind: 'read', entityId: `${alice}:${conversationId}`, audience: alice }])
      expect(await store.reads.get(alice, conversationId)).toEqual(higher.mark)
    })

    it('moves back only when exact ("Mark as unread"); each agent has a mark of their own', async () => {
      const conversationId = randomUUID()
      await store.reads.mark({ accountId, agentId: alice, conversationId, seenSeq: 8, at: 1 })
      await store.reads.mark({ accountId, agentId: bob, conversationId, seenSeq: 2, at: 1 })
      const back = await store.reads.mark({ accountId, agentId: alice, conversationId, seenSeq: 4, at: 2, exact: true })
      expect(back.mark.seenSeq).toBe(4)
      expect(back.entries).toHaveLength(1)
      expect((await store.reads.get(alice, conversationId))?.seenSeq).toBe(4)
      expect((await store.reads.get(bob, conversationId))?.seenSeq).toBe(2)
    })

    it('concurrent marks of one agent end at the largest, whatever the order', async () => {
      const conversationId = randomUUID()
      const seqs = [7, 3, 12, 1, 9]
      await Promise.all(seqs.map((seenSeq, at) => store.reads.mark({ accountId, agentId: alice, conversationId, seenSeq, at })))
      expect((await store.reads.get(alice, conversationId))?.seenSeq).toBe(12)
      const rows = (await feedKinds(store, accountId)).filter((r) => r.entityId === `${alice}:${conversationId}`)
      expect(rows).toHaveLength(1)
    })
  })
}
