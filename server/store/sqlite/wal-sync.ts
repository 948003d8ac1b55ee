import { closeSync, fsync, fsyncSync, openSync } from 'node:fs'
import path from 'node:path'
import type Database from 'better-sqlite3'

/**
 * Group commit for SQLite in WAL mode. The connection runs `synchronous = NORMAL`: a commit is in the
 * WAL file but maybe only in the OS cache, so power loss could undo it. Whoever is about to
 * acknowledge a write (a 201, an SMTP 250, a stored doc push) awaits `durable()`: one fsync of the WAL
 * in the libuv pool covers every commit made before it started, for all the callers waiting at that
 * moment. Unlike `synchronous = FULL` (an fsync inside every commit, on the event loop: `npm run bench
 * -- server` measured the sync path's p50 going from 0.48 to 5.1 ms), the event loop never waits for
 * the disk, and room updates are forwarded at once (the writing device keeps its edit dirty until
 * the bulk push, which is acknowledged only once durable).
 *
 * Why syncing the WAL file is enough: a checkpoint (checkpointer.ts) fsyncs the WAL and then the
 * database before the WAL can be restarted, so frames before a restart are already in the database
 * file; frames after it become valid only with the header our fsync also writes.
 */
export class WalSync {
  private readonly fd: number
  private readonly changes: Database.Statement
  /** total_changes() at the start of the last completed fsync: everything up to it is on disk. */
  private syncedThrough: number
  private running: Promise<void> | null = null
  /** total_changes() when the running fsync started. */
  private runningThrough = 0
  private next: Promise<void> | null = null
  private closed = false

  constructor(
    file: string,
    db: Database.Database,
    private readonly sync: (fd: number, done: (error: Error | null) => void) => void = fsync,
  ) {
    this.changes = db.prepare('SELECT total_changes()').pluck()
    // Any read makes SQLite create the WAL file; it lives as long as the connection.
    this.fd = openSync(`${file}-wal`, 'r')
    // A new WAL file is an entry in the directory: made durable once, here.
    const dir = openSync(path.dirname(path.resolve(file)), 'r')
    try {
      fsyncSync(dir)
    } finally {
      closeSync(dir)
    }
    this.syncedThrough = this.changed()
  }

  private changed(): number {
    return this.changes.get() as number
  }

  /** Resolves once every commit made before the call is on disk. */
  durable(): Promise<void> {
    const now = this.changed()
    if (this.closed || now === this.syncedThrough) return Promise.resolve()
    if (this.running && now <= this.runningThrough) return this.running
    // The running fsync started before this caller's commit: wait for the one after it, which every
    // caller arriving meanwhile shares (tried even if the running one failed).
    if (this.running) return (this.next ??= this.running.then(() => this.start(), () => this.start()))
    return this.start()
  }

  /** The changes count covered by completed fsyncs (for tests and the bench). */
  get syncedChanges(): number {
    return this.syncedThrough
  }

  private start(): Promise<void> {
    this.next = null
    const through = this.changed()
    this.runningThrough = through
    const run = new Promise<void>((resolve, reject) => {
      this.sync(this.fd, (error) => {
        if (error) reject(error)
        else {
          this.syncedThrough = Math.max(this.syncedThrough, through)
          resolve()
        }
      })
    }).finally(() => {
      if (this.running === run) this.running = null
    })
    this.running = run
    return run
  }

  /** Before the connection closes (its final checkpoint syncs everything). */
  async close(): Promise<void> {
    this.closed = true
    await Promise.allSettled([this.running, this.next])
    closeSync(this.fd)
  }
}
