import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { createAppRouter } from './router.ts'
import { useSessionStore } from './stores/session.ts'
import './styles/main.css'

// Order matters: the session (and with it the device database) is restored before the router
// decides where a deep link may go, and before any view reads Dexie.
const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
const session = useSessionStore(pinia)
const router = createAppRouter(session)
app.use(router)
await session.restore()
app.mount('#app')
