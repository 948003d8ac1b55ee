import { computed, type Ref } from 'vue'
import type { InboxDatabase } from '../db/database.ts'
import { readMeta } from '../db/database.ts'
import { useLiveQuery } from './useLiveQuery.ts'

export type SyncLabel = { kind: 'online' | 'offline' | 'syncing' | 'trouble'; text: string; progress: number | null; detail?: string }

/** What the header says about sync, for every tab (the leader writes the connection to Dexie).
 *  `started`: this page's sync engine has started (it waits for the list's first rows); before, the
 *  stored connection is the last page's, and the header says "Connecting…". */
export function useSyncStatus(db: InboxDatabase, started: Ref<boolean>) {
  const connection = useLiveQuery(() => readMeta(db, 'connection'), [], undefined)
  const pending = useLiveQuery(
    async () => {
      const [queued, dirty] = await Promise.all([
        db.outbox.where('state').anyOf('waiting', 'sending').count(),
        db.docs.where('dirty').equals(1).count(),
      ])
      return queued + dirty
    },
    [],
    0,
  )
  return computed<SyncLabel>(() => {
    const online = connection.data.value?.online ?? false
    const progress = connection.data.value?.progress ?? null
    const n = pending.data.value
    const trouble = connection.data.value?.trouble
    if (!started.value || connection.data.value?.connecting) {
      return { kind: 'syncing', text: n > 0 ? `Connecting · ${n} waiting` : 'Connecting…', progress: null }
    }
    if (online && trouble) return { kind: 'trouble', text: 'Sync problem, retrying', progress: null, detail: trouble }
    if (!online) return { kind: 'offline', text: n > 0 ? `Offline · ${n} waiting` : 'Offline', progress: null }
    if (n > 0) return { kind: 'syncing', text: `Syncing ${n} ${n === 1 ? 'change' : 'changes'}`, progress }
    if (progress !== null) return { kind: 'syncing', text: 'Syncing…', progress }
    const history = connection.data.value?.history ?? null
    if (history !== null) return { kind: 'syncing', text: 'Loading history…', progress: history }
    return { kind: 'online', text: 'Online', progress: null }
  })
}
