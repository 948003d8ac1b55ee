import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { JobRunner } from '../../../../server/jobs/runner.ts'
import { openSqliteStore, type SqliteStore } from '../../../../server/store/sqlite/sqlite-store.ts'
import type { JobRecord } from '../../../../server/store/jobs.ts'
import { eventually } from '../../../support/eventually.ts'

// The job runner's slots (real SQLite in memory): each kind runs its own jobs, up to its concurrency,
// and a free slot takes the next due job at once. No job waits for another to end unless its kind's
// slots are all taken.

const clock = { now: () => Date.now(), id: () => randomUUID() }

describe('job runner slots', () => {
  let store: SqliteStore
  let runner: JobRunner
  const gates: (() => void)[] = []

  afterEach(async () => {
    for (const open of gates.splice(0)) open()
    await runner.stop()
    await store.close()
  })

  const setUp = () => {
    store = openSqliteStore(':memory:')
    runner = new JobRunner(store.jobs, clock)
  }
  /** A handler whose jobs end only when their gate is opened. */
  const hanging = (started: string[]) => ({
    concurrency: 2,
    run: (job: JobRecord) =>
      new Promise<void>((resolve) => {
        started.push((job.payload as { name: string }).name)
        gates.push(resolve)
      }),
  })
  const quick = (done: string[], concurrency: number) => ({ concurrency, run: async (job: JobRecord) => void done.push((job.payload as { name: string }).name) })
  const enqueue = (kind: string, name: string, runAt = Date.now() - 1_000, group: string | null = null) =>
    runner.enqueue({ kind, accountId: null, dedupeKey: null, payload: { name }, runAt, group })

  it('runs every job of one kind while all the slots of another kind hang', async () => {
    setUp()
    const started: string[] = []
    const done: string[] = []
    runner.register('slow', hanging(started))
    runner.register('fast', quick(done, 1))
    runner.start()
    for (const name of ['s1', 's2', 's3']) await enqueue('slow', name)
    await eventually(() => expect(started).toEqual(['s1', 's2']))
    for (const name of ['f1', 'f2', 'f3', 'f4', 'f5']) await enqueue('fast', name)
    await eventually(() => expect(done.sort()).toEqual(['f1', 'f2', 'f3', 'f4', 'f5']))
    // The slow kind has two slots, both still taken: its third job has not started.
    expect(started).toEqual(['s1', 's2'])
    gates.shift()!()
    await eventually(() => expect(started).toEqual(['s1', 's2', 's3']))
  })

  it('a slot that frees up takes the next job at once, while its neighbour still hangs', async () => {
    setUp()
    const started: string[] = []
    runner.register('mixed', hanging(started))
    runner.start()
    for (const name of ['a', 'b', 'c', 'd']) await enqueue('mixed', name, Date.now() - 10_000 + name.charCodeAt(0))
    await eventually(() => expect(started).toEqual(['a', 'b']))
    // 'a' ends; 'b' still runs: no batch to wait for, 'c' starts, and then 'd' when 'c' ends.
    gates.shift()!()
    await eventually(() => expect(started).toEqual(['a', 'b', 'c']))
    gates.pop()!()
    await eventually(() => expect(started).toEqual(['a', 'b', 'c', 'd']))
    const jobs = await store.jobs.list('mixed', null, 10)
    expect(jobs.filter((j) => j.status === 'done')).toHaveLength(2)
    expect(jobs.filter((j) => j.status === 'running')).toHaveLength(2)
  })

  it("caps one group's running jobs, and a burst of that group does not keep another group's jobs waiting", async () => {
    setUp()
    const started: string[] = []
    runner.register('grouped', { ...hanging(started), concurrency: 4, perGroup: 2 })
    runner.start()
    // Ten older jobs of group A, then one of group B: B runs beside A's two, A's others wait.
    for (let i = 0; i < 10; i++) await enqueue('grouped', `a${i}`, Date.now() - 10_000 + i, 'A')
    await enqueue('grouped', 'b0', Date.now() - 1_000, 'B')
    await eventually(() => expect([...started].sort()).toEqual(['a0', 'a1', 'b0']))
    gates.shift()!()
    await eventually(() => expect(started).toHaveLength(4))
    expect(started[3]).toBe('a2')
  })
})
