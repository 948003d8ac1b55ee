import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

// The website chat widget: one small self-contained script (no framework, no chunks), built after the
// agent app into the same dist/ as `widget.js`, which the server serves with CORS to any site.
// `vite build --config client/widget/vite.config.ts`; the agent app's own build is untouched.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('../../dist', import.meta.url)),
    // The agent app was just built into dist/: keep it.
    emptyOutDir: false,
    target: 'es2019',
    copyPublicDir: false,
    lib: {
      entry: fileURLToPath(new URL('./main.ts', import.meta.url)),
      formats: ['iife'],
      name: 'SupportInboxWidget',
      fileName: () => 'widget.js',
    },
  },
})
