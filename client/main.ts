import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { createAppRouter } from './router.ts'
import { useSessionStore } from './stores/session.ts'
import { useDeviceStore } from './stores/device.ts'
import './styles/main.css'

// Order matters: the session (and with it the device database) is restored before the router is
// installed, because installing it runs the first navigation, whose guard asks who is signed in.
const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
void useDeviceStore(pinia).init()
const session = useSessionStore(pinia)
await session.restore()
app.use(createAppRouter(session))
app.mount('#app')
