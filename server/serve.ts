import { existsSync } from 'node:fs'
import path from 'node:path'
import { configFromEnv } from './config.ts'

// `npm run serve`: one server process on what `npm run build` made, without building (several of
// these share one DATABASE_URL). Without the build it would answer every page with an error; say
// why and stop instead.
const { staticDir } = configFromEnv(process.env)
const missing = ['index.html', 'widget.js'].filter((file) => !existsSync(path.join(staticDir, file)))
if (missing.length > 0) {
  console.error(`The client is not built (${missing.join(', ')} missing in ${staticDir}).`)
  console.error('Run `npm run build` once, then `npm run serve` (or `npm start`, which builds and serves).')
  process.exit(1)
}
await import('./main.ts')
