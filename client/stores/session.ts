import Dexie, { liveQuery, type Subscription } from 'dexie'
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { Workspace } from '../../shared/schemas/api.ts'
import { ApiError, NetworkError, api, setUnauthorizedHandler } from '../api/http.ts'
import { InboxDatabase, databaseName, readMeta } from '../db/database.ts'
import { SyncEngine } from '../sync/engine.ts'
import { clearAllDrafts } from '../db/drafts.ts'
import { forgetThisDevice } from '../push/web-push.ts'
import { afterFirstRows } from '../lib/first-paint.ts'
import { forgetListSnapshot } from '../lib/list-snapshot.ts'
import { forgetShell } from '../lib/shell-snapshot.ts'
import { LAST_AGENT_KEY } from '../lib/last-agent.ts'

/** Whoever opens this browser next does not get this agent's inbox painted from the last view. */
function forgetLastView(): void {
  localStorage.removeItem(LAST_AGENT_KEY)
  forgetListSnapshot()
  forgetShell()
}

/** A workspace stored by an older version lacks newer fields (an agent's `active`, an inbox's
 *  `archived`): the schema's defaults fill them in, so nobody reads as deactivated. */
const withDefaults = (ws: Workspace): Workspace => Workspace.safeParse(ws).data ?? ws

export type SessionState = 'restoring' | 'signed-out' | 'signed-in'

/**
 * Who is signed in on this device, their database and their sync engine. A device that cannot reach
 * the server still opens, signed in, from the workspace it stored last time (DESIGN §1: offline).
 */
export const useSessionStore = defineStore('session', () => {
  const state = ref<SessionState>('restoring')
  const workspace = shallowRef<Workspace | null>(null)
  const db = shallowRef<InboxDatabase | null>(null)
  const engine = shallowRef<SyncEngine | null>(null)
  /** This page's engine has started (after the list's first rows): until then the header's sync
   *  status is the last page's. */
  const syncStarted = ref(false)
  /** The server ended the session (signed out elsewhere, deactivated, password changed): the sign-in
   *  page says so. */
  const expired = ref(false)
  let following: Subscription | null = null
  let leaving = false

  const me = computed(() => workspace.value?.me ?? null)
  const isAdmin = computed(() => me.value?.role === 'admin')

  /**
   * A device that has been signed in opens from what it stored, at once, and asks the server who is
   * signed in meanwhile: the inbox never waits for a round trip (on a basement's network, seconds),
   * and the answer only refreshes the workspace or ends the session. A device with nothing stored
   * asks first.
   */
  async function restore(): Promise<void> {
    const lastAgent = localStorage.getItem(LAST_AGENT_KEY)
    if (lastAgent && (await localBegin(lastAgent))) {
      void confirm(lastAgent)
      return
    }
    try {
      await begin(await api<Workspace>('/api/workspace'))
    } catch {
      state.value = 'signed-out'
    }
  }

  /** The server's view of the session opened from the device: a 401 ends it (the handler set by
   *  start() runs), another agent signed in meanwhile replaces it, and anything else is kept. */
  async function confirm(agentId: string): Promise<void> {
    let ws: Workspace
    try {
      ws = await api<Workspace>('/api/workspace')
    } catch (error) {
      if (!(error instanceof NetworkError) && !(error instanceof ApiError && error.status === 401)) console.warn('workspace check failed', error)
      return
    }
    if (state.value !== 'signed-in' || me.value?.id !== agentId) return
    if (ws.me.id !== agentId) await begin(ws)
    else await db.value?.meta.put({ key: 'workspace', value: ws })
  }

  async function localBegin(agentId: string): Promise<boolean> {
    // Opened straight away rather than asked Dexie.exists() first (another round trip before the
    // first paint): the database is there whenever the agent id is. One created here by mistake is
    // empty, and is the one that agent's next sign-in opens anyway.
    const local = new InboxDatabase(databaseName(agentId))
    await local.open()
    const stored = await readMeta(local, 'workspace')
    if (!stored) {
      local.close()
      return false
    }
    start(local, stored)
    return true
  }

  async function signIn(email: string, password: string): Promise<void> {
    await api('/api/auth/sign-in', { body: { email, password } })
    await enter()
  }

  /** The server has just set a session cookie (sign-in, setup, an accepted invitation): open it. */
  async function enter(): Promise<void> {
    expired.value = false
    await begin(await api<Workspace>('/api/workspace'))
  }

  async function begin(ws: Workspace): Promise<void> {
    stop()
    const local = new InboxDatabase(databaseName(ws.me.id))
    await local.open()
    await local.meta.put({ key: 'workspace', value: ws })
    localStorage.setItem(LAST_AGENT_KEY, ws.me.id)
    start(local, ws)
  }

  function start(local: InboxDatabase, ws: Workspace): void {
    db.value = local
    workspace.value = withDefaults(ws)
    // The directory feed entry rewrites the stored workspace: a renamed agent, a new inbox, my own
    // role change show at once, in every tab, and offline as last seen.
    following = liveQuery(() => readMeta(local, 'workspace')).subscribe((stored) => {
      if (stored && db.value === local) workspace.value = withDefaults(stored)
    })
    const sync = new SyncEngine(local, `inbox-sync-${ws.me.id}`, ws.me, { onUnauthorized: ended })
    engine.value = sync
    // The feed's catch-up writes the tables the list reads: the list's first rows go first.
    syncStarted.value = false
    void afterFirstRows().then(() => {
      if (engine.value !== sync) return
      sync.start()
      syncStarted.value = true
    })
    setUnauthorizedHandler(ended)
    state.value = 'signed-in'
  }

  /** The server no longer accepts this session (feed socket closed with 4401, or a 401). The agent's
   *  data stays on the device: signing in again as them resumes it, unsent work included; another
   *  agent gets their own database. It is not reopened offline, though: the server said no. */
  function ended(): void {
    if (state.value !== 'signed-in' || leaving) return
    stop()
    forgetLastView()
    // The workspace stays set until another one replaces it: the views unmounting still read it.
    expired.value = true
    state.value = 'signed-out'
  }

  function stop(): void {
    setUnauthorizedHandler(null)
    following?.unsubscribe()
    following = null
    engine.value?.stop()
    engine.value = null
    db.value?.close()
    db.value = null
  }

  /** Signing out removes this agent's data from the device (a shared tablet), unsent work included,
   *  which is why the UI asks first when the outbox is not empty. */
  async function signOut(options: { everywhere?: boolean } = {}): Promise<void> {
    const agentId = me.value?.id
    // Leaving anyway: the 401s and socket closes that follow are not "your session has ended".
    leaving = true
    setUnauthorizedHandler(null)
    // Before the session ends: the server must still know who removes the push subscription.
    await forgetThisDevice().catch(() => undefined)
    try {
      await api(options.everywhere ? '/api/auth/sign-out-everywhere' : '/api/auth/sign-out', { body: {} }).catch((error: unknown) => {
        // Everywhere must have reached the server, or the other devices stay signed in.
        if (options.everywhere || !(error instanceof NetworkError || error instanceof ApiError)) throw error
      })
    } catch (error) {
      setUnauthorizedHandler(ended)
      throw error
    } finally {
      leaving = false
    }
    stop()
    if (agentId) {
      await Dexie.delete(databaseName(agentId))
      clearAllDrafts(agentId)
    }
    forgetLastView()
    workspace.value = null
    state.value = 'signed-out'
  }

  async function unsentCount(): Promise<number> {
    if (!db.value) return 0
    const [queued, dirty] = await Promise.all([
      db.value.outbox.where('state').notEqual('sent').count(),
      db.value.docs.where('dirty').equals(1).count(),
    ])
    return queued + dirty
  }

  return { state, workspace, db, engine, syncStarted, me, isAdmin, expired, restore, signIn, enter, signOut, unsentCount }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useSessionStore, import.meta.hot))
