import { readFileSync } from 'node:fs'
import type { ServerOptions } from 'node:http'

// What one client may hold of the server, whatever it sends or fails to send (hardening issue: a
// slow-loris and connection flood must leave the service responsive; `npm run bench -- flood`).

/** Node's defaults (60 s for headers, checked only every 30 s) let a slow-loris hold a socket for up
 *  to 90 s with a byte now and then. Headers, an upgrade's included, come at once from any real client. */
export const HEADERS_TIMEOUT_MS = 10_000
/** A whole request, body included: 40 MB attachments from a tablet on a poor link need minutes. */
export const REQUEST_TIMEOUT_MS = 300_000
/** An idle keep-alive connection between requests. */
export const KEEP_ALIVE_TIMEOUT_MS = 5_000
/** From the complete upgrade request to an open WebSocket (auth and room load included). */
export const UPGRADE_TIMEOUT_MS = 5_000
/** Descriptors kept free for the database, attachment files, outgoing mail and webhooks: at the
 *  limit, new connections are refused instead of every open() in the process failing with EMFILE. */
const RESERVED_FILES = 512

export const httpServerOptions: ServerOptions = {
  headersTimeout: HEADERS_TIMEOUT_MS,
  requestTimeout: REQUEST_TIMEOUT_MS,
  keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
  // How often the two timeouts above are enforced.
  connectionsCheckingInterval: 1_000,
}

/** The most concurrent connections (HTTP and WebSocket) worth accepting: the open-files limit less
 *  a reserve. Null where the limit cannot be read (not Linux): no cap. */
export function connectionCap(): number | null {
  try {
    const soft = readFileSync('/proc/self/limits', 'utf8').match(/^Max open files\s+(\d+)/m)?.[1]
    return soft ? Math.max(64, Number(soft) - RESERVED_FILES) : null
  } catch {
    return null
  }
}
