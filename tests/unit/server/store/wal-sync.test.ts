import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { WalSync } from '../../../../server/store/sqlite/wal-sync.ts'

// Group commit: `durable()` resolves only after an fsync that started after the caller's commit, and
// callers waiting at the same moment share one fsync. The fsync is replaced by a recorder here, so
// the test decides when each one completes.

describe('WalSync (group commit)', () => {
  let dir: string
  let db: Database.Database
  let calls: (() => void)[]
  let wal: WalSync

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'wal-sync-'))
    const file = path.join(dir, 'db.sqlite')
    db = new Database(file)
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.exec('CREATE TABLE t (v INTEGER)')
    calls = []
    wal = new WalSync(file, db, (_fd, done) => calls.push(() => done(null)))
  })
  afterEach(async () => {
    calls.forEach((finish) => finish())
    await wal.close()
    db.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const commit = () => db.prepare('INSERT INTO t (v) VALUES (1)').run()
  const settled = async (p: Promise<void>): Promise<boolean> => {
    let done = false
    void p.then(() => (done = true))
    await new Promise((resolve) => setImmediate(resolve))
    return done
  }

  it('nothing committed since the last fsync: resolves at once, no fsync', async () => {
    expect(await settled(wal.durable())).toBe(true)
    expect(calls).toHaveLength(0)
  })

  it('callers at the same moment share one fsync, and none resolves before it completes', async () => {
    commit()
    const a = wal.durable()
    commit()
    // Arrived after the fsync started with a newer commit: needs the next one.
    const b = wal.durable()
    const c = wal.durable()
    expect(calls).toHaveLength(1)
    expect(await settled(a)).toBe(false)
    calls[0]!()
    expect(await settled(a)).toBe(true)
    expect(await settled(b)).toBe(false)
    expect(calls).toHaveLength(2)
    calls[1]!()
    expect(await settled(b)).toBe(true)
    expect(await settled(c)).toBe(true)
    expect(calls).toHaveLength(2)
  })

  it('a caller whose commit the running fsync already covers waits only for that one', async () => {
    commit()
    const a = wal.durable()
    const b = wal.durable()
    calls[0]!()
    expect(await settled(a)).toBe(true)
    expect(await settled(b)).toBe(true)
    expect(calls).toHaveLength(1)
    expect(wal.syncedChanges).toBe(1)
  })

  it('a failed fsync fails its callers (no acknowledgement), and the next caller tries again', async () => {
    const failing = new WalSync(path.join(dir, 'db.sqlite'), db, (_fd, done) => done(new Error('EIO')))
    commit()
    await expect(failing.durable()).rejects.toThrow('EIO')
    await expect(failing.durable()).rejects.toThrow('EIO')
    await failing.close()
  })
})
