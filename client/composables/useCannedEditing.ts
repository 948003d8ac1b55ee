import { computed, ref } from 'vue'
import type { CannedResponse, CannedResponsePatch, NewCannedResponse } from '../../shared/canned.ts'
import { ApiError, NetworkError, api } from '../api/http.ts'
import type { InboxDatabase } from '../db/database.ts'
import { readMeta } from '../db/database.ts'
import { useLiveQuery } from './useLiveQuery.ts'

export const OFFLINE_EDITING =
  'You are offline. Canned responses on this device can still be inserted, but adding, editing and deleting them needs a connection.'

/** What went wrong with a change, for the form: a field's message, or one for the whole form. */
export interface CannedEditError {
  field: 'shortCode' | 'content' | null
  message: string
}

/**
 * Changing canned responses is online-only: a change to the team's shared phrases is checked by the
 * server (a short code is unique in the account), so it is made there or not at all, never queued to
 * collide later. The change reaches this device (and every other) through the feed.
 */
export function useCannedEditing(db: InboxDatabase) {
  const connection = useLiveQuery(() => readMeta(db, 'connection'), [], undefined)
  const online = computed(() => connection.data.value?.online ?? false)
  const busy = ref(false)

  async function run<T>(request: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: CannedEditError }> {
    busy.value = true
    try {
      return { ok: true, value: await request() }
    } catch (error) {
      return { ok: false, error: explain(error) }
    } finally {
      busy.value = false
    }
  }

  const create = (input: NewCannedResponse) =>
    run(() => api<{ cannedResponse: CannedResponse }>('/api/canned-responses', { body: input }))
  const update = (id: string, patch: CannedResponsePatch) =>
    run(() => api<{ cannedResponse: CannedResponse }>(`/api/canned-responses/${id}`, { method: 'PATCH', body: patch }))
  const remove = (id: string) => run(() => deleteRequest(`/api/canned-responses/${id}`))

  return { online, busy, create, update, remove }
}

/** DELETE answers 204 without a body, which `api` (JSON) would not parse. */
async function deleteRequest(path: string): Promise<void> {
  let response: Response
  try {
    response = await fetch(path, { method: 'DELETE', credentials: 'same-origin' })
  } catch (error) {
    throw new NetworkError((error as Error).message)
  }
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => null))
}

function explain(error: unknown): CannedEditError {
  if (error instanceof NetworkError) return { field: null, message: OFFLINE_EDITING }
  if (error instanceof ApiError) {
    const field = error.body?.fields?.[0]?.path
    const known = field === 'shortCode' || field === 'content' ? field : null
    if (error.status === 409) return { field: 'shortCode', message: 'This short code is already used by another canned response.' }
    if (error.status === 404) return { field: null, message: 'This canned response was deleted meanwhile.' }
    if (error.status === 401) return { field: null, message: 'Your session has ended: sign in again to change canned responses.' }
    if (known) return { field: known, message: error.body?.fields?.[0]?.message ?? error.message }
    return { field: null, message: error.message }
  }
  return { field: null, message: (error as Error).message ?? String(error) }
}
