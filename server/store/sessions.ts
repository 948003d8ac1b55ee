import { createHash } from 'node:crypto'
import type { ApiToken } from '../../shared/schemas/admin.ts'

// Sessions (the app's cookie) and API tokens (scripts' bearer tokens): created, looked up, ended one by
// one or in bulk, and what the profile lists. Only token hashes are stored; each function that
// ends sessions returns the hashes it ended, so their cached authentications and sockets can go too.

export interface SessionRecord {
  agentId: string
  kind: 'session' | 'api'
  expiresAt: number
}

export interface SessionStore {
  createSession(tokenHash: string, session: SessionRecord & { label: string | null }, now: number): Promise<void>
  getSession(tokenHash: string): Promise<SessionRecord | null>
  deleteSession(tokenHash: string): Promise<void>
  /** Deletes every session and API token of the agent except `keep` (a token hash), if given. */
  endAllOf(agentId: string, keep?: string): Promise<string[]>
  /** Deletes sessions and tokens expired at `now`. */
  purgeExpired(now: number): Promise<string[]>
  /** The agent's API tokens; `id` is derived from the token hash, so it names a token without being one. */
  apiTokensOf(agentId: string): Promise<(ApiToken & { tokenHash: string })[]>
  /** Records a use; a no-op when the last recorded use is less than `minGapMs` old. */
  touch(tokenHash: string, now: number, minGapMs: number): Promise<void>
}

/** A stable UUID naming a token in the profile's list: derived from its hash, so no column (and no
 *  backfill of existing tokens) is needed, and it reveals nothing that would authenticate. */
export function tokenIdOf(tokenHash: string): string {
  const h = createHash('sha256').update(`token-id:${tokenHash}`).digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`
}
