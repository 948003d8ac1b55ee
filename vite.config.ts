import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import { VitePWA } from 'vite-plugin-pwa'

const server = process.env.API_URL ?? 'http://127.0.0.1:3000'

// The agent app: built into dist/ and served by the Hono server; `vite` alone proxies to a running server.
export default defineConfig({
  root: fileURLToPath(new URL('./client', import.meta.url)),
  plugins: [
    vue(),
    VitePWA({
      // An update is offered ("A new version is ready"), never applied under an agent's feet.
      registerType: 'prompt',
      injectRegister: false,
      strategies: 'generateSW',
      includeAssets: ['icons/icon.svg', 'icons/apple-touch-icon.png'],
      manifest: {
        name: 'Support Inbox',
        short_name: 'Inbox',
        description: 'Shared support inbox that keeps working offline.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'any',
        theme_color: '#1f3a5f',
        background_color: '#f4f6f9',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        // Any page of the app opens offline from the cached shell; API and sync URLs never do.
        navigateFallback: '/index.html',
        // /widget-demo is the server's page of a fictional shop, not a page of the app.
        navigateFallbackDenylist: [/^\/api\//, /^\/sync\//, /^\/widget-demo/],
        cleanupOutdatedCaches: true,
        // The first worker takes charge of the page it installed from, so even a first session keeps
        // working if the network drops; later versions wait for the agent's "Reload".
        clientsClaim: true,
        // Web Push and notification clicks (client/sw/notifications-sw.ts, built as its own entry below).
        importScripts: ['notifications-sw.js'],
      },
    }),
  ],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // Lazy chunks (the conversation, settings, the search engine, the keyboard dialogs) are all
    // precached by the service worker: an agent offline can open every screen.
    chunkSizeWarningLimit: 700,
    rollupOptions: {
      input: {
        index: fileURLToPath(new URL('./client/index.html', import.meta.url)),
        // The service worker's notification handlers: a classic script at the root, for importScripts.
        'notifications-sw': fileURLToPath(new URL('./client/sw/notifications-sw.ts', import.meta.url)),
      },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'notifications-sw' ? 'notifications-sw.js' : 'assets/[name]-[hash].js'),
      },
    },
  },
  server: {
    proxy: {
      '/api/feed/live': { target: server, ws: true },
      '/api': server,
      '/sync': { target: server, ws: true },
    },
  },
})
