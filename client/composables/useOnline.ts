import { computed } from 'vue'
import { readMeta } from '../db/database.ts'
import { useSessionStore } from '../stores/session.ts'
import { useLiveQuery } from './useLiveQuery.ts'

/** Whether the device's feed socket is connected (as the syncing tab last wrote it): settings write
 *  only to the server, so they offer their buttons only while it answers. */
export function useOnline() {
  const session = useSessionStore()
  const db = session.db!
  const connection = useLiveQuery(() => readMeta(db, 'connection'), [], undefined)
  // Not yet known (nothing read, or the socket still connecting on a start): no "You are offline"
  // for the moment a start takes; a write that then fails says so itself.
  return computed(() => (connection.data.value?.connecting ? true : (connection.data.value?.online ?? true)))
}
