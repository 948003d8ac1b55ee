import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { createAppRouter } from './router.ts'
import { useSessionStore } from './stores/session.ts'
import { useDeviceStore } from './stores/device.ts'
import { shellMounted } from './lib/shell-snapshot.ts'
import './styles/main.css'

// Order matters: the session (and with it the device database) is restored before the router is
// installed, because installing it runs the first navigation, whose guard asks who is signed in.
performance.mark('app:start')
const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
void useDeviceStore(pinia).init()
const session = useSessionStore(pinia)
await session.restore()
const router = createAppRouter(session)
app.use(router)
// Signed in, the first route resolves without the network: mounting after it paints the inbox in
// one go over first-paint.js's snapshot, never a blank shell in between.
if (session.state === 'signed-in') await router.isReady()
app.mount('#app')
shellMounted()
