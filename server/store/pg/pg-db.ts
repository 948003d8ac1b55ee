import pg from 'pg'

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

export class PgDb extends Queries {
  constructor(readonly pool: pg.Pool) {
    super(pool)
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

  /** Runs `fn` in one transaction on one client: committed if it resolves, rolled back if it throws. */
  async tx<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
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

  close(): Promise<void> {
    return this.pool.end()
  }
}

export function quoteIdent(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) throw new Error(`not a plain identifier: ${name}`)
  return `"${name}"`
}
