import { createRouter, createWebHistory } from 'vue-router'
import type { useSessionStore } from './stores/session.ts'
import ConversationView from './views/ConversationView.vue'
import InboxView from './views/InboxView.vue'
import NoConversationView from './views/NoConversationView.vue'
import SignInView from './views/SignInView.vue'
import SettingsView from './views/SettingsView.vue'

// Views are bundled eagerly: an agent offline must be able to open any of them.
export function createAppRouter(session: ReturnType<typeof useSessionStore>) {
  const router = createRouter({
    history: createWebHistory(),
    routes: [
      { path: '/sign-in', name: 'sign-in', component: SignInView, meta: { public: true } },
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
  router.beforeEach((to) => {
    const signedIn = session.state === 'signed-in'
    if (!to.meta.public && !signedIn) return { name: 'sign-in', query: to.fullPath === '/' ? {} : { next: to.fullPath } }
    if (to.name === 'sign-in' && signedIn) return { name: 'inbox' }
    return true
  })
  return router
}
