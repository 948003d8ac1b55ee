import type { PgDb } from './pg-db.ts'

/**
 * Runs `fn` holding a session-level advisory lock on a client of its own, so that `fn` may run any
 * number of transactions on the pool meanwhile (a transaction-level lock would end with the first).
 * Whoever else asks for the same key waits until `fn` settles. A process that dies mid-way loses its
 * connection, and PostgreSQL frees the lock with it.
 */
export async function withSessionLock<T>(db: PgDb, key: string, fn: () => Promise<T>): Promise<T> {
  const client = await db.pool.connect()
  let healthy = true
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [key])
    try {
      return await fn()
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [key]).catch(() => {
        healthy = false
      })
    }
  } finally {
    // A client whose unlock failed may still hold the lock: destroyed, not returned to the pool.
    client.release(healthy ? undefined : true)
  }
}
