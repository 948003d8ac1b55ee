import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { NewJob } from '../../server/store/jobs.ts'
import type { Store } from '../../server/store/types.ts'
import { type OpenedStore, storeBackends } from '../support/stores.ts'

// The persistent job queue: idempotent enqueue, due-only claims with a lease, retries, per-group caps,
// and two processes on one database never running the same job (issue 11).

const LEASE = 60_000

describe.each(storeBackends())('job store ($name)', (backend) => {
  let opened: OpenedStore
  let store: Store
  beforeAll(async () => {
    opened = await backend.open()
    store = opened.store
  })
  afterAll(async () => {
    await opened.close()
  })

  // Each test has a kind of its own, so the shared store's other jobs never answer its claims.
  const newKind = () => `kind-${randomUUID()}`
  const job = (kind: string, fields: Partial<NewJob> = {}): NewJob => ({
    id: randomUUID(),
    kind,
    accountId: null,
    dedupeKey: null,
    payload: { n: 1 },
    runAt: 1_000,
    ...fields,
  })

  it('enqueues a job as pending and reads it back with its payload', async () => {
    const kind = newKind()
    const j = job(kind, { accountId: 'acc-1', payload: { to: 'a@example.com', parts: [1, 2] }, group: 'g1' })
    expect(await store.jobs.enqueue(j, 500)).toBe(true)
    expect(await store.jobs.get(j.id)).toEqual({
      id: j.id,
      kind,
      accountId: 'acc-1',
      payload: { to: 'a@example.com', parts: [1, 2] },
      group: 'g1',
      status: 'pending',
      attempts: 0,
      runAt: 1_000,
      lastError: null,
      createdAt: 500,
      updatedAt: 500,
    })
    expect(await store.jobs.get(randomUUID())).toBeNull()
  })

  it('a second job with the same dedupe key is not enqueued, even after the first is done', async () => {
    const kind = newKind()
    const key = `dedupe-${randomUUID()}`
    const first = job(kind, { dedupeKey: key })
    expect(await store.jobs.enqueue(first, 1)).toBe(true)
    const again = job(kind, { dedupeKey: key })
    expect(await store.jobs.enqueue(again, 2)).toBe(false)
    expect(await store.jobs.get(again.id)).toBeNull()
    await store.jobs.complete(first.id, 3)
    expect(await store.jobs.enqueue(job(kind, { dedupeKey: key }), 4)).toBe(false)
    // Jobs without a key never collide.
    expect(await store.jobs.enqueue(job(kind), 5)).toBe(true)
    expect(await store.jobs.enqueue(job(kind), 5)).toBe(true)
  })

  it('claims only due jobs of its kind, oldest run time first, up to the limit, counting the attempt', async () => {
    const kind = newKind()
    const late = job(kind, { runAt: 3_000 })
    const early = job(kind, { runAt: 1_000 })
    const middle = job(kind, { runAt: 2_000 })
    const future = job(kind, { runAt: 10_000 })
    const other = job(newKind(), { runAt: 0 })
    for (const j of [late, early, middle, future, other]) await store.jobs.enqueue(j, 0)

    const claimed = await store.jobs.claimDue(kind, 5_000, LEASE, 2)
    expect(claimed.map((j) => j.id)).toEqual([early.id, middle.id])
    expect(claimed.every((j) => j.status === 'running' && j.attempts === 1)).toBe(true)
    expect(await store.jobs.get(early.id)).toMatchObject({ status: 'running', attempts: 1, updatedAt: 5_000 })

    const rest = await store.jobs.claimDue(kind, 5_000, LEASE, 10)
    expect(rest.map((j) => j.id)).toEqual([late.id])
    expect(await store.jobs.claimDue(kind, 5_000, LEASE, 10)).toEqual([])
    expect(await store.jobs.get(future.id)).toMatchObject({ status: 'pending', attempts: 0 })
    expect(await store.jobs.get(other.id)).toMatchObject({ status: 'pending' })
  })

  it('a running job is taken again only once its lease has run out (its process died)', async () => {
    const kind = newKind()
    const j = job(kind, { runAt: 100 })
    await store.jobs.enqueue(j, 0)
    expect((await store.jobs.claimDue(kind, 1_000, 500, 5)).map((c) => c.id)).toEqual([j.id])
    expect(await store.jobs.claimDue(kind, 1_499, 500, 5)).toEqual([])
    const retaken = await store.jobs.claimDue(kind, 1_500, 500, 5)
    expect(retaken).toHaveLength(1)
    expect(retaken[0]).toMatchObject({ id: j.id, status: 'running', attempts: 2 })
  })

  it('complete, retryAt and fail move a job on; a retried job is due again at its new time', async () => {
    const kind = newKind()
    const done = job(kind)
    const retried = job(kind)
    const failed = job(kind)
    for (const j of [done, retried, failed]) await store.jobs.enqueue(j, 0)
    expect(await store.jobs.claimDue(kind, 2_000, LEASE, 3)).toHaveLength(3)

    await store.jobs.complete(done.id, 2_100)
    await store.jobs.retryAt(retried.id, 'connection refused', 9_000, 2_200)
    await store.jobs.fail(failed.id, 'mailbox does not exist', 2_300)

    expect(await store.jobs.get(done.id)).toMatchObject({ status: 'done', lastError: null, updatedAt: 2_100, attempts: 1 })
    expect(await store.jobs.get(retried.id)).toMatchObject({ status: 'pending', lastError: 'connection refused', runAt: 9_000, updatedAt: 2_200 })
    expect(await store.jobs.get(failed.id)).toMatchObject({ status: 'failed', lastError: 'mailbox does not exist', updatedAt: 2_300 })

    // Done and failed jobs are never claimed again, even long after any lease.
    expect(await store.jobs.claimDue(kind, 8_999 + LEASE * 10, LEASE, 10).then((c) => c.map((j) => j.id))).toEqual([retried.id])
    const again = await store.jobs.get(retried.id)
    expect(again).toMatchObject({ status: 'running', attempts: 2 })
    // A later success clears the error of the attempt before.
    await store.jobs.complete(retried.id, 10_000)
    expect(await store.jobs.get(retried.id)).toMatchObject({ status: 'done', lastError: null })
  })

  it('nextRunAt is the earliest pending run time of the kind, or null', async () => {
    const kind = newKind()
    expect(await store.jobs.nextRunAt(kind)).toBeNull()
    const a = job(kind, { runAt: 7_000 })
    const b = job(kind, { runAt: 4_000 })
    await store.jobs.enqueue(a, 0)
    await store.jobs.enqueue(b, 0)
    await store.jobs.enqueue(job(newKind(), { runAt: 1 }), 0)
    expect(await store.jobs.nextRunAt(kind)).toBe(4_000)
    // A running job is not pending: the next one is what is left.
    await store.jobs.claimDue(kind, 5_000, LEASE, 1)
    expect(await store.jobs.nextRunAt(kind)).toBe(7_000)
    await store.jobs.claimDue(kind, 7_000, LEASE, 1)
    expect(await store.jobs.nextRunAt(kind)).toBeNull()
  })

  it('lists a kind per account (or the jobs of no account), newest first, up to the limit', async () => {
    const kind = newKind()
    const account = `acc-${randomUUID()}`
    const old = job(kind, { accountId: account })
    const mid = job(kind, { accountId: account })
    const recent = job(kind, { accountId: account })
    const unowned = job(kind, { accountId: null })
    await store.jobs.enqueue(old, 10)
    await store.jobs.enqueue(mid, 20)
    await store.jobs.enqueue(recent, 30)
    await store.jobs.enqueue(unowned, 40)
    await store.jobs.enqueue(job(newKind(), { accountId: account }), 50)

    expect((await store.jobs.list(kind, account, 10)).map((j) => j.id)).toEqual([recent.id, mid.id, old.id])
    expect((await store.jobs.list(kind, account, 2)).map((j) => j.id)).toEqual([recent.id, mid.id])
    expect((await store.jobs.list(kind, null, 10)).map((j) => j.id)).toEqual([unowned.id])
    expect(await store.jobs.list(kind, `acc-${randomUUID()}`, 10)).toEqual([])
  })

  it('caps each group: full groups are passed over, and one group\'s burst does not crowd out the others', async () => {
    const kind = newKind()
    // Ten of the slow receiver's deliveries come first, then one of each other receiver.
    const slow = Array.from({ length: 10 }, (_, i) => job(kind, { group: 'slow', runAt: 100 + i }))
    const fast = job(kind, { group: 'fast', runAt: 500 })
    const loose = job(kind, { group: null, runAt: 600 })
    const full = job(kind, { group: 'full', runAt: 50 })
    for (const j of [...slow, fast, loose, full]) await store.jobs.enqueue(j, 0)

    const running = new Map([['full', 2], ['slow', 1]])
    const claimed = await store.jobs.claimDue(kind, 1_000, LEASE, 4, { perGroup: 2, running })
    // 'full' already runs 2; 'slow' runs 1, so one more of it; then the others.
    expect(claimed.map((j) => j.id)).toEqual([slow[0]!.id, fast.id, loose.id])
    expect(await store.jobs.get(full.id)).toMatchObject({ status: 'pending' })
    expect(await store.jobs.get(slow[1]!.id)).toMatchObject({ status: 'pending' })

    // With nothing running, a group gets at most perGroup of the slots.
    const next = await store.jobs.claimDue(kind, 1_000, LEASE, 4, { perGroup: 2, running: new Map() })
    expect(next.map((j) => j.id)).toEqual([full.id, slow[1]!.id, slow[2]!.id])
  })

  it('two stores on one database claiming at the same time never take the same job, and take them all', async () => {
    const twin = await opened.openTwin()
    const kind = newKind()
    const jobs = Array.from({ length: 60 }, (_, i) => job(kind, { runAt: i, group: i % 3 === 0 ? `g${i % 4}` : null }))
    for (const j of jobs) await store.jobs.enqueue(j, 0)

    const taken: string[][] = [[], []]
    const drain = async (s: Store, into: string[]) => {
      for (;;) {
        const claimed = await s.jobs.claimDue(kind, 10_000, LEASE, 3)
        if (claimed.length === 0) return
        into.push(...claimed.map((j) => j.id))
      }
    }
    // Several claimers per store at once, as the runner's lanes and a second process would.
    await Promise.all([drain(store, taken[0]!), drain(store, taken[0]!), drain(twin, taken[1]!), drain(twin, taken[1]!)])

    const all = [...taken[0]!, ...taken[1]!]
    expect(new Set(all).size).toBe(all.length)
    expect(new Set(all)).toEqual(new Set(jobs.map((j) => j.id)))
    for (const j of jobs) expect(await store.jobs.get(j.id)).toMatchObject({ status: 'running', attempts: 1 })
  })

  it('an expired lease is taken up by the other store once, not by both', async () => {
    const twin = await opened.openTwin()
    const kind = newKind()
    const jobs = Array.from({ length: 10 }, () => job(kind, { runAt: 0 }))
    for (const j of jobs) await store.jobs.enqueue(j, 0)
    expect(await store.jobs.claimDue(kind, 1_000, 100, 10)).toHaveLength(10)

    // The first process died: both look at the expired leases at once.
    const [a, b] = await Promise.all([store.jobs.claimDue(kind, 2_000, LEASE, 10), twin.jobs.claimDue(kind, 2_000, LEASE, 10)])
    const ids = [...a, ...b].map((j) => j.id)
    expect(new Set(ids)).toEqual(new Set(jobs.map((j) => j.id)))
    expect(ids).toHaveLength(jobs.length)
    expect([...a, ...b].every((j) => j.attempts === 2)).toBe(true)
  })
})
