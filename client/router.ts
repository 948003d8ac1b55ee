import { createRouter, createWebHistory } from 'vue-router'
import type { SetupStatus } from '../shared/schemas/admin.ts'
import { api } from './api/http.ts'
import type { useSessionStore } from './stores/session.ts'
import InboxView from './views/InboxView.vue'
import NoConversationView from './views/NoConversationView.vue'
import SignInView from './views/SignInView.vue'

/** Whether the server still waits for its first-run setup. Once it does not, it never will again,
 *  so only a "no" is remembered; unreachable counts as no (the sign-in page says why). */
function setupCheck(): () => Promise<boolean> {
  let done = false
  return async () => {
    if (done) return false
    try {
      done = !(await api<SetupStatus>('/api/setup')).needed
    } catch {
      return false
    }
    return !done
  }
}

// The inbox list is the first load. The conversation (with the Markdown renderer and the
// sanitiser), settings, setup and invitations load on first use, so the first load stays under
// 200 KB gzip; the service worker precaches every chunk, so an agent offline can open any of them.
const ConversationView = () => import('./views/ConversationView.vue')
const SettingsView = () => import('./views/SettingsView.vue')
const SetupView = () => import('./views/SetupView.vue')
const InviteView = () => import('./views/InviteView.vue')
export function createAppRouter(session: ReturnType<typeof useSessionStore>) {
  const setupNeeded = setupCheck()
  const router = createRouter({
    history: createWebHistory(),
    routes: [
      { path: '/sign-in', name: 'sign-in', component: SignInView, meta: { public: true } },
      { path: '/setup', name: 'setup', component: SetupView, meta: { public: true, standalone: true } },
      { path: '/invite/:token', name: 'invite', component: InviteView, props: true, meta: { public: true, standalone: true } },
      {
        path: '/',
        component: InboxView,
        children: [
          { path: '', name: 'inbox', component: NoConversationView },
          { path: 'conversations/:id', name: 'conversation', component: ConversationView, props: true },
        ],
      },
      { path: '/settings/:section?', name: 'settings', component: SettingsView },
      { path: '/:rest(.*)*', redirect: '/' },
    ],
  })
  router.beforeEach(async (to) => {
    const signedIn = session.state === 'signed-in'
    // Setup and invitation pages stand on their own, signed in or not.
    if (to.meta.standalone) return true
    // Before anyone has signed in on a server that has no workspace yet, there is only setup to do.
    if (!signedIn && (await setupNeeded())) return { name: 'setup' }
    if (!to.meta.public && !signedIn) return { name: 'sign-in', query: to.fullPath === '/' ? {} : { next: to.fullPath } }
    if (to.name === 'sign-in' && signedIn) return { name: 'inbox' }
    return true
  })
  return router
}
