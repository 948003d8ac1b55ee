import type pg from 'pg'

/**
 * The one transaction behind Store.inOneTransaction on PostgreSQL: every store call made inside it
 * runs on this one client, and the whole commits once. The demo seed makes about 560 store calls: as
 * that many transactions they cost that many WAL flushes (34 s on a busy machine, issue 11).
 *
 * Calls share the client, so they take turns: a call's transaction becomes a savepoint, and nothing
 * else runs on the client until it is released (two savepoints interleaved on one connection would
 * release or roll back each other's work). A call that fails rolls back to its savepoint, as its own
 * transaction would have, and the rest stands.
 */
export class SharedTransaction {
  private state: 'open' | 'ending' | 'ended' = 'open'
  private turns: Promise<unknown> = Promise.resolve()
  private savepoints = 0
  private unreleased: string | null = null
  private markEnded!: () => void
  /** Settles when the transaction has committed or rolled back; callers arriving after its end wait
   *  for it and then run on the pool, on their own. */
  readonly ended = new Promise<void>((resolve) => (this.markEnded = resolve))

  constructor(private readonly client: pg.PoolClient) {}

  get open(): boolean {
    return this.state === 'open'
  }

  /** Runs `work` once every call queued before it is done. */
  inTurn<T>(work: () => Promise<T>): Promise<T> {
    const run = this.turns.then(work)
    this.turns = run.catch(() => undefined)
    return run
  }

  /** `fn` inside a savepoint, rolled back to if it throws. Call it in a turn. */
  async savepoint<T>(fn: () => Promise<T>): Promise<T> {
    const name = `store_call_${++this.savepoints}`
    // The last call's savepoint is released in the same round trip as this one is taken (the simple
    // protocol runs both): statements are most of the seed's time, and this saves one per call.
    // Until then it only nests what follows, which nobody rolls back to; a nested call's is released
    // with its enclosing one.
    await this.client.query(this.unreleased ? `RELEASE SAVEPOINT ${this.unreleased}; SAVEPOINT ${name}` : `SAVEPOINT ${name}`)
    this.unreleased = null
    try {
      return await fn()
    } catch (error) {
      await this.client.query(`ROLLBACK TO SAVEPOINT ${name}`)
      throw error
    } finally {
      this.unreleased = name
    }
  }

  /** Commits after the calls already queued. PostgreSQL answers COMMIT with ROLLBACK, not an error,
   *  when a statement outside any savepoint failed earlier (its caller may have swallowed the error):
   *  that is reported here, since nothing was kept. */
  async commit(): Promise<void> {
    const result = await this.end('COMMIT')
    if (result.command !== 'COMMIT') throw new Error('inOneTransaction: a statement in the transaction failed, so none of it was kept')
  }

  async rollback(): Promise<void> {
    await this.end('ROLLBACK')
  }

  private async end(statement: 'COMMIT' | 'ROLLBACK'): Promise<pg.QueryResult> {
    this.state = 'ending'
    try {
      return await this.inTurn(() => this.client.query(statement))
    } finally {
      this.state = 'ended'
      this.markEnded()
    }
  }
}
