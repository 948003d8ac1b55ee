import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

const server = process.env.API_URL ?? 'http://127.0.0.1:3000'

// The agent app: built into dist/ and served by the Hono server; `vite` alone proxies to a running server.
export default defineConfig({
  root: fileURLToPath(new URL('./client', import.meta.url)),
  plugins: [vue()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // One bundle on purpose: an agent offline must be able to open every screen (no lazy chunks).
    chunkSizeWarningLimit: 700,
  },
  server: {
    proxy: {
      '/api/feed/live': { target: server, ws: true },
      '/api': server,
      '/sync': { target: server, ws: true },
    },
  },
})
