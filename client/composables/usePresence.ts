import { computed, onScopeDispose, shallowRef, watch, type Ref } from 'vue'
import { PresenceState } from '../../shared/presence.ts'
import type { OpenDoc } from '../sync/docs.ts'

export interface Colleague {
  clientId: number
  state: PresenceState
}

const rank = { viewing: 0, noting: 1, replying: 2 } as const

/** The other agents in the open conversation's room (by their awareness), one entry per agent with
 *  what they are doing, updated live. Other tabs of the signed-in agent are not "others". */
export function usePresence(live: Ref<OpenDoc | null>, meId: string) {
  const states = shallowRef<Colleague[]>([])
  let stop: (() => void) | null = null

  watch(
    live,
    (entry) => {
      stop?.()
      stop = null
      states.value = []
      if (!entry) return
      const awareness = entry.provider.awareness
      const read = () => {
        const found: Colleague[] = []
        for (const [clientId, raw] of awareness.getStates()) {
          if (clientId === awareness.clientID) continue
          const parsed = PresenceState.safeParse(raw)
          if (parsed.success && parsed.data.user.id !== meId) found.push({ clientId, state: parsed.data })
        }
        states.value = found
      }
      awareness.on('change', read)
      read()
      stop = () => awareness.off('change', read)
    },
    { immediate: true },
  )
  onScopeDispose(() => stop?.())

  /** One line per colleague: the strongest activity across their tabs. */
  const colleagues = computed(() => {
    const byAgent = new Map<string, PresenceState>()
    for (const { state } of states.value) {
      const current = byAgent.get(state.user.id)
      if (!current || rank[state.activity] > rank[current.activity]) byAgent.set(state.user.id, state)
    }
    return [...byAgent.values()].sort((a, b) => a.user.name.localeCompare(b.user.name))
  })
  return { states, colleagues }
}

export const firstName = (name: string): string => name.split(/\s+/)[0] ?? name

export function describeActivity(state: PresenceState): string {
  const who = firstName(state.user.name)
  return state.activity === 'replying' ? `${who} is replying…` : state.activity === 'noting' ? `${who} is writing a note…` : `${who} is viewing`
}
