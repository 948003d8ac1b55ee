import type { MiddlewareHandler } from 'hono'
import type { Store } from '../store/types.ts'

/** A request that may have changed something is answered only once the change is on disk (power
 *  loss included): the store's group commit (store/sqlite/wal-sync.ts) shares one fsync among every
 *  request waiting at that moment, off the event loop. Reads never wait. */
export const durableAnswers =
  (store: Store): MiddlewareHandler =>
  async (c, next) => {
    await next()
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && c.req.method !== 'OPTIONS') await store.durable()
  }
