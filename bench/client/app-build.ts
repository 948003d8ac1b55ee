import path from 'node:path'
import { REPO_ROOT, makeTempDir } from '../lib/children.ts'
import { runToEnd } from './processes.ts'

export interface AppBuild {
  dir: string
  ms: number
}

/**
 * Builds the app from the working tree into a temp dir (served through STATIC_DIR), on every run: a
 * build takes seconds, the figures are then those of the code as it is now, and nothing races with
 * another `vite build` emptying dist/ mid-measurement.
 */
export async function buildApp(): Promise<AppBuild> {
  const dir = makeTempDir('inbox-bench-dist-')
  const started = performance.now()
  const vite = path.join(REPO_ROOT, 'node_modules/vite/bin/vite.js')
  // vite's own bin (not `npx`): the same files `npx vite build` would produce, without npm in the way.
  const { code, output } = await runToEnd([process.execPath, vite, 'build', '--outDir', dir, '--emptyOutDir', '--logLevel', 'warn'], {}, 180_000)
  if (code !== 0) throw new Error(`vite build failed (code ${code}): ${output.slice(-5).join(' / ')}`)
  return { dir, ms: performance.now() - started }
}
