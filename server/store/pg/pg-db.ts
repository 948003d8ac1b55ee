import { AsyncLocalStorage } from 'node:async_hooks'
import pg from 'pg'
import { SharedTransaction } from './shared-transaction.ts'

// One pool per store. BIGINT (timestamps in ms, seqs) comes back as a JS number, as from SQLite:
// every value we keep in one is below 2^53.
const INT8_OID = 20
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
}

/** What area stores query through: the pool, or one client inside a transaction. */
export interface Sql {
  rows<R>(text: string, params?: unknown[]): Promise<R[]>
  row<R>(text: string, params?: unknown[]): Promise<R | undefined>
  /** Runs a statement and returns how many rows it touched. */
  run(text: string, params?: unknown[]): Promise<number>
}

class Queries implements Sql {
  constructor(private readonly q: pg.Pool | pg.PoolClient) {}

  async rows<R>(text: string, params: unknown[] = []): Promise<R[]> {
    return (await this.q.query(text, params)).rows as R[]
  }

  async row<R>(text: string, params: unknown[] = []): Promise<R | undefined> {
    return (await this.q.query(text, params)).rows[0] as R | undefined
  }

  async run(text: string, params: unknown[] = []): Promise<number> {
    return (await this.q.query(text, params)).rowCount ?? 0
  }
}

export interface PgOptions {
  /** Every table lives in this schema (created if missing): tests give each file its own. */
  schema?: string
  max?: number
}

/** Inside inOneTransaction: its transaction and client, and the turn of the store call whose
 *  transaction (a savepoint) is running, if any: that call's own queries go straight to the client. */
interface Joined {
  shared: SharedTransaction
  sql: Sql
  turn: { held: boolean } | null
}

export class PgDb extends Queries {
  /** Follows the async calls made from inside inOneTransaction, whoever makes them (services, the doc
   *  registry's write chain), so that they join it without being handed a client. */
  private readonly joined = new AsyncLocalStorage<Joined>()
  private sharedOpen = 0

  constructor(readonly pool: pg.Pool) {
    super(pool)
  }

  override rows<R>(text: string, params: unknown[] = []): Promise<R[]> {
    return this.route((sql) => sql.rows<R>(text, params), () => super.rows<R>(text, params))
  }

  override row<R>(text: string, params: unknown[] = []): Promise<R | undefined> {
    return this.route((sql) => sql.row<R>(text, params), () => super.row<R>(text, params))
  }

  override run(text: string, params: unknown[] = []): Promise<number> {
    return this.route((sql) => sql.run(text, params), () => super.run(text, params))
  }

  /** A statement outside any store transaction: on the pool, or in the shared transaction in turn. */
  private route<T>(shared: (sql: Sql) => Promise<T>, pooled: () => Promise<T>): Promise<T> {
    const joined = this.joined.getStore()
    if (!joined) return pooled()
    if (joined.turn?.held) return shared(joined.sql)
    if (!joined.shared.open) return joined.shared.ended.then(pooled)
    return joined.shared.inTurn(() => shared(joined.sql))
  }

  static open(url: string, options: PgOptions = {}): PgDb {
    const pool = new pg.Pool({
      connectionString: url,
      max: options.max ?? 10,
      types,
      ...(options.schema ? { options: `-c search_path=${quoteIdent(options.schema)}` } : {}),
    })
    // An idle client's error (the server restarted) must not crash the process; the next query reconnects.
    pool.on('error', () => undefined)
    return new PgDb(pool)
  }

  /** Runs `fn` in one transaction on one client: committed if it resolves, rolled back if it throws.
   *  Inside inOneTransaction, a savepoint of that transaction instead. */
  async tx<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
    const joined = this.joined.getStore()
    if (joined?.turn?.held) return joined.shared.savepoint(() => fn(joined.sql))
    if (joined?.shared.open) {
      return joined.shared.inTurn(async () => {
        const turn = { held: true }
        try {
          return await this.joined.run({ ...joined, turn }, () => joined.shared.savepoint(() => fn(joined.sql)))
        } finally {
          // Work the call left running (a timer) takes turns from now on, like anyone else's.
          turn.held = false
        }
      })
    }
    if (joined) await joined.shared.ended
    const client = await this.pool.connect()
    try {
      await client.query('BEGIN')
      const result = await fn(new Queries(client))
      await client.query('COMMIT')
      return result
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined)
      throw error
    } finally {
      client.release()
    }
  }

  /** Store.inOneTransaction: `fn` and every query and transaction it starts, on one client, committed
   *  once. Inside another, it joins that one. */
  async inOneTransaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.joined.getStore()?.shared.open) return fn()
    this.sharedOpen += 1
    const client = await this.pool.connect().catch((error: unknown) => {
      this.leaveShared()
      throw error
    })
    const shared = new SharedTransaction(client)
    let healthy = true
    try {
      await client.query('BEGIN')
      let result: T
      try {
        result = await this.joined.run({ shared, sql: new Queries(client), turn: null }, fn)
      } catch (error) {
        await shared.rollback().catch(() => (healthy = false))
        throw error
      }
      await shared.commit()
      return result
    } finally {
      // A client whose ROLLBACK failed may still be inside the transaction: destroyed, not pooled.
      client.release(healthy ? undefined : true)
      this.leaveShared()
    }
  }

  /** Following async context slows every promise of the process (on Node 20, a promise-bound loop
   *  ran twice as long): off again once no shared transaction is open. Work one left running then
   *  goes to the pool, as it would after the transaction's end anyway; the next `run` turns it on. */
  private leaveShared(): void {
    this.sharedOpen -= 1
    if (this.sharedOpen === 0) this.joined.disable()
  }

  close(): Promise<void> {
    return this.pool.end()
  }
}

export function quoteIdent(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) throw new Error(`not a plain identifier: ${name}`)
  return `"${name}"`
}
