import { onScopeDispose } from 'vue'
import type { Activity } from '../../shared/presence.ts'
import { useSessionStore } from '../stores/session.ts'

const IDLE_MS = 5_000

/** Tells the room what the agent is doing while they type; back to "viewing" after a pause. */
export function useActivity(conversationId: () => string) {
  const session = useSessionStore()
  let timer: ReturnType<typeof setTimeout> | null = null
  let current: Activity = 'viewing'

  function set(activity: Activity, noteCursor: { anchor: string; head: string } | null = null) {
    current = activity
    session.engine?.docs.setActivity(conversationId(), activity, noteCursor)
  }

  /** A keystroke in the reply or the note. */
  function typing(activity: Exclude<Activity, 'viewing'>, noteCursor: { anchor: string; head: string } | null = null) {
    if (timer) clearTimeout(timer)
    set(activity, noteCursor)
    timer = setTimeout(() => set('viewing', noteCursor), IDLE_MS)
  }

  function idle() {
    if (timer) clearTimeout(timer)
    timer = null
    if (current !== 'viewing') set('viewing')
  }

  onScopeDispose(() => {
    if (timer) clearTimeout(timer)
  })
  return { typing, idle, set }
}
