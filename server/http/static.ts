import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { Hono } from 'hono'
import { serveStatic } from '@hono/node-server/serve-static'

/** Serves the built PWA. Hashed assets are cached for good; the shell and the service worker are
 *  revalidated so a new version is noticed. Unknown paths outside /api and /sync get the shell, so a
 *  deep link or a reload on /conversations/… opens the app. */
const REVALIDATE = new Set(['/sw.js', '/manifest.webmanifest', '/index.html', '/'])

export function serveApp<E extends object>(app: Hono<E & {}>, staticDir: string): void {
  const root = path.relative(process.cwd(), staticDir) || '.'
  app.use('/assets/*', async (c, next) => {
    await next()
    if (c.res.status === 200) c.header('Cache-Control', 'public, max-age=31536000, immutable')
  })
  // The service worker and the manifest must be revalidated, or a new version is never noticed.
  app.use('*', async (c, next) => {
    await next()
    if (REVALIDATE.has(c.req.path)) c.header('Cache-Control', 'no-cache')
  })
  app.use('*', async (c, next) => {
    if (c.req.path.startsWith('/api/') || c.req.path.startsWith('/sync/')) return next()
    return serveStatic({ root })(c, next)
  })
  // An unknown API path with any other method (a `..` in an id, a typo) answers JSON like the rest of
  // the API, not Hono's plain-text 404 (found by tests/integration/fuzz-routes.test.ts).
  app.on(['POST', 'PUT', 'PATCH', 'DELETE'], '/api/*', (c) => c.json({ error: 'not found' }, 404))
  let shell: Promise<string> | null = null
  app.get('*', async (c) => {
    if (c.req.path.startsWith('/api/') || c.req.path.startsWith('/sync/')) return c.json({ error: 'not found' }, 404)
    shell ??= readFile(path.join(staticDir, 'index.html'), 'utf8').catch(() => {
      shell = null
      return '<!doctype html><p>The app is not built: run <code>npm run build</code>.</p>'
    })
    c.header('Cache-Control', 'no-cache')
    return c.html(await shell)
  })
}
