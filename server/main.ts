import { configFromEnv } from './config.ts'
import { startServer } from './start.ts'
import { describeStore } from './store/open-store.ts'
import { DEMO_PASSWORD } from './demo/seed.ts'
import { isLoopback, openDoorWarning } from './demo/open-door.ts'

const DEMO_AGENT = 'alice@example.com'

const config = configFromEnv(process.env)
const server = await startServer(config)

const demoExists = server.demo !== null || (await server.ctx.store.directory.findAgentByEmail(DEMO_AGENT)) !== null
if (server.demo) {
  console.log('Demo workspace created. Sign in as any of:')
  for (const email of server.demo.agentEmails) console.log(`  ${email}  password: ${server.demo.password}`)
  console.log(`API channel inbox token (POST /api/channels/api/messages): ${server.demo.apiInboxToken}`)
} else if (demoExists) {
  // The inbox token was shown once, when the workspace was created; only its hash is stored.
  console.log(`Demo workspace: sign in as ${DEMO_AGENT} (or bob@, carol@) with password ${DEMO_PASSWORD}`)
}
console.log(server.ctx.email.describe())
if (demoExists && !isLoopback(config.host)) console.log(openDoorWarning(config.host))
if (server.setupCode) {
  console.log('No workspace yet. To create it, open')
  console.log(`  ${server.url}/setup`)
  console.log(`and enter this one-time setup code:  ${server.setupCode}`)
  console.log('(restarts and the other processes of this service print this same code until the workspace')
  console.log(' exists; a start when it is more than a day old prints a new one, and this one stops working)')
}
if (config.databaseUrl && !config.redisUrl) {
  // Live edits, presence and feed pushes travel between processes only through Redis.
  console.log('PostgreSQL without REDIS_URL: this runs as ONE server process. To run several, give them all the same REDIS_URL.')
}
// Printed last: scripts and tests wait for this line.
console.log(`Support inbox is running at ${server.url}  (data: ${describeStore(config)})`)

let stopping = false
const stop = async (signal: string) => {
  if (stopping) return
  stopping = true
  console.log(`${signal}: stopping`)
  await server.close()
  process.exit(0)
}
process.on('SIGINT', () => void stop('SIGINT'))
process.on('SIGTERM', () => void stop('SIGTERM'))
