// The worker's entry. A worker thread does not inherit the TypeScript loader of the process that
// starts it under every runner (vitest's workers have none), so it registers tsx's own here.
import { register } from 'tsx/esm/api'

register()
await import('./mail-reader-worker.ts')
