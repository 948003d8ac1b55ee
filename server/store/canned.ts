import type { CannedResponse } from '../../shared/canned.ts'
import type { FeedEntry } from '../../shared/schemas/feed.ts'

// Canned responses' storage. Every change appends a `canned` feed entry in the same transaction (it
// supersedes the response's older entries, as contacts do), so devices keep them for offline use.

export interface NewCanned {
  id: string
  accountId: string
  shortCode: string
  content: string
  createdBy: string | null
  updatedAt: number
}

export type CannedWrite =
  | { ok: true; canned: CannedResponse; entries: FeedEntry[] }
  /** Another response of the account (not deleted) has this short code. */
  | { ok: false; reason: 'short_code_taken' }
  /** No such response in the account, or it was deleted. */
  | { ok: false; reason: 'not_found' }

export interface CannedStore {
  /** The account's responses that are not deleted, by short code. */
  list(accountId: string): Promise<CannedResponse[]>
  /** null when not in the account, or deleted. */
  get(accountId: string, id: string): Promise<CannedResponse | null>
  insert(canned: NewCanned): Promise<CannedWrite>
  update(accountId: string, id: string, patch: { shortCode?: string; content?: string }, now: number): Promise<CannedWrite>
  /** Marks it deleted (the feed keeps a tombstone) and frees its short code. */
  remove(accountId: string, id: string, now: number): Promise<CannedWrite>
}
